"""The agreement: frozen terms, SHA-256 chained to the previous agreement, Ed25519 signatures by
password re-entry; refusals; and tampering found by recomputation."""
import json

import pytest
import sqlalchemy as sa

from marketplace.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.services.poc import agreements, signing
from models import Agreement, AgreementSignature, EngagementStatus, Role, SigningKey, db
from tests.factories import PASSWORD, make_user
from tests.poc_factories import SECRET, engage, make_world, sign_all


@pytest.fixture
def engaged(ctx):
    world = make_world()
    engagement, center = engage(world)
    return world, engagement, center


def signatures() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AgreementSignature))


def test_the_frozen_content_hashes_to_its_hash_and_names_the_terms(engaged):
    world, engagement, center = engaged
    agreement = agreements.agreement_of(engagement)
    document = json.loads(agreement.content)
    assert agreements.digest(agreement.content) == agreement.hash
    assert agreement.content == agreements.canonical(document)
    assert (agreement.sequence, agreement.prev_hash) == (1, agreements.GENESIS)
    assert document["terms"]["total_cost"] == 90
    assert document["terms"]["ip_terms"]["foreground_split"] == {"enterprise": 50, "institution": 40, "center": 10}
    assert document["parties"]["center"]["organization_id"] == center.organization_id


def test_agreements_chain_each_to_the_one_before(ctx):
    first, _ = engage(make_world())
    second, _ = engage(make_world())
    a, b = agreements.agreement_of(first), agreements.agreement_of(second)
    assert (b.sequence, b.prev_hash) == (2, a.hash)
    assert [c.valid for c in agreements.verify_chain()] == [True, True]


def test_three_signatures_activate_the_engagement(engaged):
    world, engagement, center = engaged
    agreements.sign_agreement(world.enterprise, engagement.id, PASSWORD, SECRET)
    agreements.sign_agreement(world.researcher, engagement.id, PASSWORD, SECRET)
    db.session.commit()
    assert engagement.status is EngagementStatus.AWAITING_SIGNATURES
    signature = agreements.sign_agreement(center, engagement.id, PASSWORD, SECRET)
    db.session.commit()
    assert engagement.status is EngagementStatus.ACTIVE and engagement.activated_at is not None
    agreement = agreements.agreement_of(engagement)
    assert signing.signature_ok(signature.public_key, signature.signature, agreement.hash.encode())
    key = db.session.get(SigningKey, center.id)
    assert key.public_key == signature.public_key and PASSWORD not in key.encrypted_private_key


def test_a_wrong_password_signs_nothing(engaged):
    world, engagement, _ = engaged
    with pytest.raises(ValidationFailed) as error:
        agreements.sign_agreement(world.enterprise, engagement.id, "not-my-password", SECRET)
    assert "password" in error.value.fields and signatures() == 0


def test_signing_twice_for_a_party_is_refused_even_by_a_colleague(engaged):
    world, engagement, _ = engaged
    agreements.sign_agreement(world.enterprise, engagement.id, PASSWORD, SECRET)
    db.session.commit()
    colleague = make_user(Role.ENTERPRISE, organization=world.enterprise.organization)
    for signer in (world.enterprise, colleague):
        with pytest.raises(Conflict):
            agreements.sign_agreement(signer, engagement.id, PASSWORD, SECRET)
    assert signatures() == 1


def test_someone_elses_agreement_cannot_be_signed(engaged):
    _, engagement, _ = engaged
    other_world = make_world()
    for outsider in (other_world.enterprise, make_user(Role.CENTER)):
        with pytest.raises(NotFound):
            agreements.sign_agreement(outsider, engagement.id, PASSWORD, SECRET)
    with pytest.raises(PermissionDenied):  # operators see it but do not sign
        agreements.sign_agreement(make_user(Role.ADMIN), engagement.id, PASSWORD, SECRET)
    assert signatures() == 0


def test_an_active_engagement_takes_no_more_signatures(engaged):
    world, engagement, center = engaged
    sign_all(engagement, center)
    with pytest.raises(Conflict):
        agreements.sign_agreement(world.enterprise, engagement.id, PASSWORD, SECRET)


def tampered(statement: str, **params) -> list[str]:
    db.session.execute(sa.text(statement), params)
    db.session.commit()
    db.session.expire_all()
    return [problem for check in agreements.verify_chain() for problem in check.problems]


@pytest.fixture
def chain(ctx):
    made = []
    for _ in range(3):
        engagement, center = engage(make_world())
        sign_all(engagement, center)
        made.append(agreements.agreement_of(engagement))
    assert all(check.valid for check in agreements.verify_chain())
    return made


def test_an_edited_content_is_found(chain):
    content = chain[1].content.replace('"total_cost":90', '"total_cost":9')
    problems = tampered("UPDATE agreements SET content = :c WHERE id = :id", c=content, id=chain[1].id)
    assert any("#2" in p and "哈希" in p for p in problems)


def test_an_edited_content_with_a_recomputed_hash_breaks_the_next_link_and_the_signatures(chain):
    content = chain[1].content.replace('"total_cost":90', '"total_cost":9')
    problems = tampered("UPDATE agreements SET content = :c, hash = :h WHERE id = :id", c=content,
                        h=agreements.digest(content), id=chain[1].id)
    assert any("#2" in p and "签名" in p for p in problems) and any("#3" in p and "链" in p for p in problems)


def test_a_deleted_agreement_is_found(chain):
    db.session.execute(sa.delete(AgreementSignature).where(AgreementSignature.agreement_id == chain[1].id))
    db.session.execute(sa.text("UPDATE engagements SET status = 'awaiting_signatures'"))
    problems = tampered("DELETE FROM agreements WHERE id = :id", id=chain[1].id)
    assert any("#3" in p and "#2" in p for p in problems)


def test_reordered_agreements_are_found(chain):
    db.session.execute(sa.text("UPDATE agreements SET sequence = 99 WHERE id = :id"), {"id": chain[0].id})
    db.session.execute(sa.text("UPDATE agreements SET sequence = 1 WHERE id = :id"), {"id": chain[1].id})
    problems = tampered("UPDATE agreements SET sequence = 2 WHERE id = :id", id=chain[0].id)
    assert problems


def test_a_forged_signature_is_found(chain):
    signature = db.session.scalar(sa.select(AgreementSignature).where(AgreementSignature.agreement_id == chain[2].id))
    forged = ("00" if signature.signature[:2] != "00" else "11") + signature.signature[2:]
    problems = tampered("UPDATE agreement_signatures SET signature = :s WHERE id = :id", s=forged, id=signature.id)
    assert any("#3" in p and "签名" in p for p in problems)


def test_verify_one_agreement_for_its_parties_only(chain):
    agreement = chain[1]
    engagement_id = agreement.engagement_id
    from models import Engagement
    engagement = db.session.get(Engagement, engagement_id)
    from tests.poc_factories import engagement_user
    check = agreements.verify_agreement(engagement_user(engagement, "center"), agreement.id)
    assert check.valid and check.chain_ok and check.recomputed_hash == agreement.hash
    assert agreements.verify_agreement(make_user(Role.ADMIN), agreement.id).valid
    with pytest.raises(NotFound):
        agreements.verify_agreement(make_user(Role.CENTER), agreement.id)
    db.session.execute(sa.text("UPDATE agreements SET prev_hash = :p WHERE id = :id"),
                       {"p": "f" * 64, "id": chain[2].id})
    assert not agreements.verify_agreement(make_user(Role.ADMIN), agreement.id).chain_ok
    assert db.session.get(Agreement, agreement.id)
