"""API for posts, the home feed, follows, tiers and bundles. Thin: validate, call a service, serialize."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import errors
from common.errors import NotFoundError
from fansub.accounts.models import Role, User
from fansub.accounts.services import social
from fansub.offers.models import Tier
from fansub.offers.services import tiers as offer
from fansub.posts import selectors
from fansub.posts.api import serializers as ps
from fansub.posts.comment_selectors import visible_comments
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.verification.services import performers


def post_input(data: dict[str, Any]) -> PostInput:
    audience = data["audience"]
    return PostInput(
        text=data["text"],
        audience=AudienceSpec(public=audience["public"], followers=audience["followers"],
                              subscribers=audience["subscribers"], tier_ids=tuple(audience["tier_ids"]),
                              ppv_price=audience.get("ppv_price")),
        publish_at=data.get("publish_at"), expires_at=data.get("expires_at"), is_adult=data.get("is_adult"),
        comments_enabled=data["comments_enabled"], draft=data["draft"],
        media_ids=tuple(str(m) for m in data.get("media_ids", [])),
    )


def _feed_query(request: Request) -> tuple[str | None, int]:
    query = ps.FeedQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["cursor"] or None, query.validated_data["page_size"] or settings.FEED_PAGE_SIZE


def _feed_response(request: Request, page: selectors.FeedPage) -> Response:
    return Response({"results": [ps.card_dict(c, request_user=request.user) for c in page.cards],
                     "next_cursor": page.next_cursor})


def _creator(viewer: User | AnonymousUser, handle: str) -> User:
    profile = selectors.creator_by_handle(viewer, handle)
    if profile is None:
        raise NotFoundError("No such creator.")
    return profile.user


class FeedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ps.FeedQuery], responses={200: ps.FeedPageSerializer, **errors(400)})
    def get(self, request: Request) -> Response:
        cursor, size = _feed_query(request)
        page = selectors.home_feed(request.user, cursor=cursor, size=size)
        return _feed_response(request, page)


class CreatorPostsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[ps.FeedQuery], responses={200: ps.FeedPageSerializer, **errors(400, 404)})
    def get(self, request: Request, handle: str) -> Response:
        cursor, size = _feed_query(request)
        page = selectors.creator_posts_by_handle(request.user, handle, cursor=cursor, size=size)
        if page is None:
            raise NotFoundError("No such creator.")
        return _feed_response(request, page)


class CreatorTiersView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: ps.TierSerializer(many=True), **errors(404)})
    def get(self, request: Request, handle: str) -> Response:
        creator = _creator(request.user, handle)
        tiers = Tier.objects.filter(creator=creator, is_archived=False).prefetch_related("bundles")
        return Response(ps.TierSerializer(tiers, many=True).data)


class FollowView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(403, 404, 409)})
    def post(self, request: Request, handle: str) -> Response:
        social.follow(request.user, _creator(request.user, handle))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None, **errors(404)})
    def delete(self, request: Request, handle: str) -> Response:
        social.unfollow(request.user, _creator(request.user, handle))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(404, 409)})
    def post(self, request: Request, handle: str) -> Response:
        social.block(request.user, get_object_or_404(User, handle__iexact=handle))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None, **errors(404)})
    def delete(self, request: Request, handle: str) -> Response:
        social.unblock(request.user, get_object_or_404(User, handle__iexact=handle))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostListCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ps.PostInputSerializer, responses={201: ps.PostCardSerializer, **errors(400, 403, 404, 409)})
    def post(self, request: Request) -> Response:
        body = ps.PostInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        post = posts.create_post(request.user, post_input(body.validated_data))
        card = selectors.post_for_viewer(request.user, post.pk)
        return Response(ps.card_dict(card, request_user=request.user), status=status.HTTP_201_CREATED)


class PostDetailView(APIView):
    """Anyone may read a post it can see; editing and deleting need a caller (signed out: 401, never a 500)."""

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsAuthenticated()]

    @extend_schema(responses={200: ps.PostCardSerializer, **errors(404)})
    def get(self, request: Request, post_id: int) -> Response:
        card = selectors.post_for_viewer(request.user, post_id)
        if card is None:
            raise NotFoundError("No such post.")
        if card.decision.allowed and request.user.is_authenticated:
            posts.record_view(request.user, post_id=card.post.pk, creator_id=card.post.creator_id)
        return Response(ps.card_dict(card, request_user=request.user))

    @extend_schema(request=ps.PostInputSerializer, responses={200: ps.PostCardSerializer, **errors(400, 403, 404, 409)})
    def put(self, request: Request, post_id: int) -> Response:
        body = ps.PostInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        posts.edit_post(request.user, post_id, post_input(body.validated_data))
        return Response(ps.card_dict(selectors.post_for_viewer(request.user, post_id), request_user=request.user))

    @extend_schema(responses={204: None, **errors(403, 404, 409)})
    def delete(self, request: Request, post_id: int) -> Response:
        posts.delete_post(request.user, post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ps.PostCardSerializer, **errors(403, 404, 409)})
    def post(self, request: Request, post_id: int) -> Response:
        posts.publish_post(request.user, post_id)
        return Response(ps.card_dict(selectors.post_for_viewer(request.user, post_id), request_user=request.user))


class PostPinView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(403, 404, 409)})
    def post(self, request: Request, post_id: int) -> Response:
        posts.set_pinned(request.user, post_id, True)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None, **errors(403, 404, 409)})
    def delete(self, request: Request, post_id: int) -> Response:
        posts.set_pinned(request.user, post_id, False)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostLikeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(403, 404)})
    def post(self, request: Request, post_id: int) -> Response:
        posts.like(request.user, post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None, **errors(404)})
    def delete(self, request: Request, post_id: int) -> Response:
        posts.unlike(request.user, post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostCommentsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ps.CommentInput, responses={201: ps.CommentSerializer, **errors(400, 403, 404, 409, 422)})
    def post(self, request: Request, post_id: int) -> Response:
        body = ps.CommentInput(data=request.data)
        body.is_valid(raise_exception=True)
        row = posts.comment(request.user, post_id, body.validated_data["text"])
        return Response({"id": row.pk, "author": request.user.handle, "text": row.text,
                         "created_at": row.created_at}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ps.CommentListSerializer, **errors(404)})
    def get(self, request: Request, post_id: int) -> Response:

        return Response({"results": visible_comments(request.user, post_id)})


class MyTiersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ps.TierSerializer(many=True)})
    def get(self, request: Request) -> Response:
        if request.user.role != Role.CREATOR:
            return Response([])
        tiers = Tier.objects.filter(creator=request.user).prefetch_related("bundles")
        return Response(ps.TierSerializer(tiers, many=True).data)

    @extend_schema(request=ps.TierInput, responses={201: ps.TierSerializer, **errors(400, 403, 409)})
    def post(self, request: Request) -> Response:
        body = ps.TierInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        tier = offer.create_tier(request.user, price=data.pop("price"), **data)
        return Response(ps.TierSerializer(tier).data, status=status.HTTP_201_CREATED)


class MyTierArchiveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ps.TierSerializer, **errors(403, 404, 409)})
    def post(self, request: Request, tier_id: int) -> Response:
        return Response(ps.TierSerializer(offer.archive_tier(request.user, tier_id)).data)


class MyTierBundlesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ps.BundleInput, responses={200: ps.BundleSerializer, **errors(400, 403, 404, 409)})
    def post(self, request: Request, tier_id: int) -> Response:
        body = ps.BundleInput(data=request.data)
        body.is_valid(raise_exception=True)
        bundle = offer.set_bundle(request.user, tier_id, months=body.validated_data["months"],
                                  discount_percent=body.validated_data["discount_percent"],
                                  active=body.validated_data["is_active"])
        return Response(ps.BundleSerializer(bundle).data)


class PostPerformersView(APIView):
    """Tag a verified creator (JSON {"handle"}) or submit a guest's release (multipart: legal_name,
    date_of_birth, aliases, id_image, release_form) for an adult post."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request={"application/json": ps.PerformerInput, "multipart/form-data": ps.PerformerInput},
        responses={201: PolymorphicProxySerializer(
            component_name="PerformerAdded", resource_type_field_name=None,
            serializers=[ps.PerformerTaggedSerializer, ps.GuestReleaseStatusSerializer]),
            **errors(400, 403, 404, 409, 422)})
    def post(self, request: Request, post_id: int) -> Response:
        body = ps.PerformerInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["handle"]:
            row = performers.tag_creator(request.user, post_id, data["handle"])
            return Response({"performer": row.performer.handle}, status=status.HTTP_201_CREATED)
        release = performers.submit_guest_release(
            request.user, post_id, legal_name=data["legal_name"], date_of_birth=data["date_of_birth"],
            aliases=list(data["aliases"].split(",")),
            id_image=data["id_image"], release_form=data["release_form"])
        return Response({"release_id": release.pk, "status": release.status}, status=status.HTTP_201_CREATED)


class GuestReleaseDecisionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ps.ReleaseDecisionInput,
                   responses={200: ps.GuestReleaseStatusSerializer, **errors(400, 403, 404, 409)})
    def post(self, request: Request, release_id: int) -> Response:
        body = ps.ReleaseDecisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        release = performers.decide_release(request.user, release_id,
                                            approve=body.validated_data["decision"] == "approve",
                                            reason=body.validated_data["reason"])
        return Response({"release_id": release.pk, "status": release.status})
