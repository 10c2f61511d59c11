"""The field taxonomy (集成电路, 人工智能, ...); admins may add fields."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

# The seed list of fields with the codes the API uses (docs/api.md); the first migration inserts it.
SEED_FIELDS: list[tuple[str, str, str]] = [
    ("ic", "集成电路", "Integrated circuits"),
    ("ai", "人工智能", "Artificial intelligence"),
    ("biomed", "生物医药", "Biomedicine"),
    ("medical_devices", "医疗器械", "Medical devices"),
    ("new_materials", "新材料", "New materials"),
    ("new_energy", "新能源", "New energy"),
    ("smart_manufacturing", "智能制造/高端装备", "Smart manufacturing / high-end equipment"),
    ("low_altitude", "低空经济", "Low-altitude economy"),
    ("optoelectronics", "光电信息", "Optoelectronics"),
    ("environment", "节能环保", "Energy saving and environment"),
    ("textiles", "现代纺织", "Modern textiles"),
    ("agriculture", "现代农业", "Modern agriculture"),
    ("bci", "脑机接口", "Brain-computer interfaces"),
    ("cell_gene", "细胞与基因治疗", "Cell and gene therapy"),
    ("silicon_photonics", "硅光", "Silicon photonics"),
    ("semiconductor_4g", "第四代半导体", "Fourth-generation semiconductors"),
    ("fintech", "金融科技", "Fintech"),
    ("blockchain", "区块链", "Blockchain"),
]


class Field(db.Model):
    """A technology field of the taxonomy."""

    __tablename__ = "fields"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(80))
    sort_order: Mapped[int] = mapped_column(default=0)
    # Retired by an operator: its listings stay readable (and keep it), forms no longer offer it.
    retired_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Field {self.code} {self.name_zh}>"
