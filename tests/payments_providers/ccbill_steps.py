"""Steps the CCBill journeys share: a postback delivered as CCBill sends it, with what it schedules on commit
run, and the subscription it concerns read again."""


def post_event(client, ccbill, capture_on_commit, subscription, event_type, subscription_id, *,
               content=None, **fields):
    """Post CCBill's ``event_type`` postback for the sale ``subscription_id`` under
    ``django_capture_on_commit_callbacks(execute=True)`` and return ``subscription`` refreshed. The answer must
    be a 200, or exactly ``content`` when that is given (e.g. ``b"processed"``). (Pytest does not rewrite the
    asserts of a helper module, so they carry what was received.)"""
    with capture_on_commit(execute=True):
        response = ccbill.post(client, ccbill.event(event_type, subscription_id, **fields))
        if content is None:
            assert response.status_code == 200, (response.status_code, response.content)
        else:
            assert response.content == content, response.content
    subscription.refresh_from_db()
    return subscription
