"""Blind indexes per child: each child of a referral indexed on its own

Revision ID: children
Revises: console_security
"""

from alembic import op
import sqlalchemy as sa

revision = "children"
down_revision = "console_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows made before this are each referral's one child: position 0.
    with op.batch_alter_table("child_indexes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("child_indexes", schema=None) as batch_op:
        batch_op.drop_column("child")
