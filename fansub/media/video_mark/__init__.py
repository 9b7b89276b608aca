"""Per-viewer forensic marks on video without a per-viewer transcode (A/B segment watermarking).

- ``pattern``: the invisible mark, a key-derived smooth luma field per segment (+ in A, - in B);
- ``package``: a final encoded once as HLS segments, each in both variants;
- ``code``: the viewer's code as a CRC-checked codeword, one bit per segment, repeated;
- ``detect``: informed reading of a leaked copy against the unmarked final.

Playlists, signed segment links and the viewer lookup live in ``fansub.media.services.streaming`` and
``fansub.media.services.stream_identify``. No storage and no database here.
"""
