"""Origin signatures, numbered rating changes, reseal attestations, MAC'd case events

Revision ID: sealing
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "sealing"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("origin_sig", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("resealed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reseal_mac", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.alter_column("revision", server_default=None)

    with op.batch_alter_table("addenda", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("origin_sig", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("resealed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reseal_mac", sa.LargeBinary(), nullable=True))

    with op.batch_alter_table("console_case_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.LargeBinary(), nullable=True))

    op.create_table(
        "rating_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.LargeBinary(), nullable=False),
        sa.Column("auth", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("by IN ('intake', 'console')", name=op.f("ck_rating_changes_by")),
        sa.ForeignKeyConstraint(
            ["reference"],
            ["referrals.reference"],
            name=op.f("fk_rating_changes_reference_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_changes")),
        sa.UniqueConstraint("reference", "revision", name="uq_rating_changes_revision"),
    )
    with op.batch_alter_table("rating_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rating_changes_reference"), ["reference"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rating_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_changes_reference"))
    op.drop_table("rating_changes")
    with op.batch_alter_table("console_case_events", schema=None) as batch_op:
        batch_op.drop_column("mac")
    with op.batch_alter_table("addenda", schema=None) as batch_op:
        for name in ("reseal_mac", "resealed_at", "origin_sig", "origin"):
            batch_op.drop_column(name)
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        for name in ("reseal_mac", "resealed_at", "revision", "origin_sig", "origin"):
            batch_op.drop_column(name)
