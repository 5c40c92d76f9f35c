"""Where a photo sits among its run's photos, for the in-app viewer (previous / next). No request in here."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import CheckItem, Photo, Run
from ..runs.services import all_items, photos_by_item


@dataclass(frozen=True)
class PhotoPlace:
    photo: Photo
    item: CheckItem
    position: int             # 1-based, among the photos walked through
    total: int
    previous: Photo | None
    next: Photo | None


def _walk(run: Run, item_id: int | None) -> list[tuple[Photo, CheckItem]]:
    """The photos in report order (items in order, each item's photos as taken), or one item's."""
    items = [item for item in all_items(run) if item_id is None or item.id == item_id]
    by_item = photos_by_item(run)
    return [(photo, item) for item in items for photo in by_item.get(item.id, [])]


def _photo_at(walk: list[tuple[Photo, CheckItem]], index: int) -> Photo | None:
    return walk[index][0] if 0 <= index < len(walk) else None


def photo_place(run: Run, photo_id: int, item_id: int | None = None) -> PhotoPlace | None:
    """The photo among the run's photos in report order, or among one item's photos only when
    `item_id` is given; None when it is not one of them."""
    walk = _walk(run, item_id)
    index = next((i for i, (photo, _item) in enumerate(walk) if photo.id == photo_id), None)
    if index is None:
        return None
    photo, item = walk[index]
    return PhotoPlace(photo=photo, item=item, position=index + 1, total=len(walk),
                      previous=_photo_at(walk, index - 1), next=_photo_at(walk, index + 1))
