"""Twilio's copies of SMS messages, tracked until deleted there: sms_messages, sms_seals

Revision ID: sms_at_twilio
Revises: sealing
"""

from alembic import op
import sqlalchemy as sa

revision = "sms_at_twilio"
down_revision = "sealing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_messages",
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=80), nullable=False),
        sa.Column("turn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sid", sa.LargeBinary(), nullable=False),
        sa.Column("outbound", sa.Boolean(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("message_key", name=op.f("pk_sms_messages")),
    )
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_messages_sender_id"), ["sender_id"], unique=False)
    op.create_table(
        "sms_seals",
        sa.Column("sender_id", sa.String(length=80), nullable=False),
        sa.Column("sealed_through", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_sms_seals")),
    )


def downgrade() -> None:
    op.drop_table("sms_seals")
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_messages_sender_id"))
    op.drop_table("sms_messages")
