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


def photo_place(run: Run, photo_id: int, item_id: int | None = None) -> PhotoPlace | None:
    """The photo among the run's photos in report order (items in order, each item's photos as taken),
    or among one item's photos only when `item_id` is given; None when it is not one of them."""
    items = [item for item in all_items(run) if item_id is None or item.id == item_id]
    by_item = photos_by_item(run)
    walk = [(photo, item) for item in items for photo in by_item.get(item.id, [])]
    index = next((i for i, (photo, _item) in enumerate(walk) if photo.id == photo_id), None)
    if index is None:
        return None
    photo, item = walk[index]
    return PhotoPlace(photo=photo, item=item, position=index + 1, total=len(walk),
                      previous=walk[index - 1][0] if index > 0 else None,
                      next=walk[index + 1][0] if index + 1 < len(walk) else None)
