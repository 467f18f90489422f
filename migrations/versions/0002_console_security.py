"""Sign-in counters per address, known addresses, code tries per session; one report a conversation

Revision ID: console_security
Revises: sms_at_twilio
Create Date: 2026-12-04

Existing databases may already hold two referrals for one conversation (the race this claim
closes): both are kept, and the claim goes to the first.
"""

from alembic import op
import sqlalchemy as sa

revision = "console_security"
down_revision = "sms_at_twilio"  # the newest migration on main when this was rebased
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_throttle",
        sa.Column("bucket", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_console_throttle")),
    )
    op.create_table(
        "console_known_sources",
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["console_officers.id"], ondelete="CASCADE",
                                name=op.f("fk_console_known_sources_officer_id_console_officers")),
        sa.PrimaryKeyConstraint("officer_id", "source", name=op.f("pk_console_known_sources")),
    )
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("code_tries", sa.Integer(), nullable=False, server_default="0"))

    op.create_table(
        "referral_claims",
        sa.Column("conversation_key", sa.String(length=128), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["reference"], ["referrals.reference"], ondelete="CASCADE",
                                name=op.f("fk_referral_claims_reference_referrals")),
        sa.PrimaryKeyConstraint("conversation_key", name=op.f("pk_referral_claims")),
    )
    op.execute(
        "INSERT INTO referral_claims (conversation_key, reference, attachments) "
        "SELECT r.conversation_key, r.reference, '' FROM referrals r "
        "WHERE r.conversation_key IS NOT NULL AND r.id = "
        "(SELECT MIN(f.id) FROM referrals f WHERE f.conversation_key = r.conversation_key)"
    )


def downgrade() -> None:
    op.drop_table("referral_claims")
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.drop_column("code_tries")
    op.drop_table("console_known_sources")
    op.drop_table("console_throttle")
