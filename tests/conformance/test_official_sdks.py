"""The official SDKs against `sagroam emulator` (issue 3, must-show 1).

Every test runs once per setup (classic, tea-v2, tea-acs3; see sdks.py), each setup against an
emulator of its own holding the demo world (assets/demo-world.json; the README's emulator
section lists its cases).
"""

import pytest

from sdks import DEMO_ACCESS_KEY_ID, Key

# The demo world, as assets/demo-world.json defines it.
SHANGHAI, HANGZHOU = "cn-shanghai", "cn-hangzhou"
SHANGHAI_OFFICE = "sag-shapp1demo0a1b2c3d"  # SAG APP, cn-shanghai
HANGZHOU_HQ = "sag-hzapp1demo8i9j0k1l"  # SAG APP, cn-hangzhou
FULL_INSTANCE = "sag-hzfull2000dm2n3o4p"  # SAG APP, cn-hangzhou: 2,000 accounts of 2,000
HANGZHOU_CPE = "sag-hzcpe1000aq5r6s7t8"  # a hardware SAG-1000, cn-hangzhou
ROAMER = "zhang.wei"  # in the Shanghai office; roaming it to Hangzhou HQ succeeds
FULL_COUNT = 2000

WRONG_SECRET = Key(DEMO_ACCESS_KEY_ID, "not-the-demo-secret")
# The demo world's STS key, with a token that serves and one that expired in 2025.
STS_KEY = Key("STS.DemoSagroamStsKey", "sagroam-demo-sts-secret", "sagroam-demo-sts-token")
STS_KEY_EXPIRED = Key(STS_KEY.id, STS_KEY.secret, "sagroam-demo-sts-token-expired")


def test_lists_regions(sdk):
    regions = sdk.regions()
    for region in (SHANGHAI, HANGZHOU, "cn-hongkong", "ap-southeast-1"):
        assert region in regions
    assert regions[SHANGHAI] == "华东2（上海）"
    assert sdk.regions(language="en-US")[HANGZHOU] == "China (Hangzhou)"


def test_lists_sag_app_instances(sdk):
    instances, total = sdk.instances(HANGZHOU, "software")
    assert {HANGZHOU_HQ, FULL_INSTANCE} <= set(instances)
    assert HANGZHOU_CPE not in instances, "a hardware instance in a SAG APP list"
    assert total == len(instances)
    assert instances[FULL_INSTANCE] == FULL_COUNT  # UserCount, the account quota

    hardware, _ = sdk.instances(HANGZHOU, "hardware")
    assert HANGZHOU_CPE in hardware and FULL_INSTANCE not in hardware


def test_pages_through_every_user_of_the_full_instance(sdk):
    size = sdk.page_size
    names, page = [], 1
    while True:
        users, total = sdk.users_page(HANGZHOU, FULL_INSTANCE, page, size)
        assert total == FULL_COUNT
        assert len(users) <= size
        names += [u.name for u in users]
        if len(users) < size or len(names) >= total:
            break
        page += 1
    assert len(names) == FULL_COUNT
    assert len(set(names)) == FULL_COUNT, "a user listed twice across pages"
    assert page == -(-FULL_COUNT // size)

    # One page past the end is empty, not an error and not a repeat.
    beyond, total = sdk.users_page(HANGZHOU, FULL_INSTANCE, page + 1, size)
    assert beyond == [] and total == FULL_COUNT


def _find(sdk, region, instance, name):
    users, _ = sdk.users_page(region, instance, 1, 10, user_name=name)
    return [u for u in users if u.name == name]


def test_roams_a_user_and_refuses_the_same_roam_again(sdk):
    assert _find(sdk, HANGZHOU, HANGZHOU_HQ, ROAMER) == []
    (original,) = _find(sdk, SHANGHAI, SHANGHAI_OFFICE, ROAMER)

    request_id = sdk.roam(SHANGHAI, SHANGHAI_OFFICE, HANGZHOU, HANGZHOU_HQ, ROAMER)
    assert request_id

    # A copy in the target, with the same name and mail; the origin keeps its own.
    assert _find(sdk, HANGZHOU, HANGZHOU_HQ, ROAMER) == [original]
    assert _find(sdk, SHANGHAI, SHANGHAI_OFFICE, ROAMER) == [original]

    with pytest.raises(sdk.error_type) as raised:
        sdk.roam(SHANGHAI, SHANGHAI_OFFICE, HANGZHOU, HANGZHOU_HQ, ROAMER)
    code, status, request_id = sdk.error(raised.value)
    assert (code, status) == ("ClientUser.UserExist", 400)
    assert request_id

    # The refused roam changed nothing.
    assert _find(sdk, HANGZHOU, HANGZHOU_HQ, ROAMER) == [original]


def test_a_wrong_secret_is_refused_with_signature_does_not_match(sdk, gate):
    mark, _ = gate.snapshot()
    with pytest.raises(sdk.error_type) as raised:
        sdk.with_key(WRONG_SECRET).regions()
    code, status, _ = sdk.error(raised.value)

    # What the SDK raises: Tea keeps the server's code; the classic SDK rewrites it into
    # InvalidAccessKeySecret, which it does only when the server's string to sign equals its
    # own, so that rewrite is itself a check of the emulator's message.
    assert (code, status) == (sdk.wrong_secret_code, 400)

    # What the emulator answered, as the gate saw it on the wire.
    answers = [(p.status, p.code) for p in gate.passages_since(mark)]
    assert answers == [(400, "SignatureDoesNotMatch")]


def test_an_sts_key_serves_with_its_token_and_not_with_an_expired_one(sdk):
    # Each SDK carries the token its own way: the classic one in the signed query and a header,
    # Tea v1 in the signed query, Tea ACS3 in the signed x-acs-security-token header.
    assert HANGZHOU in sdk.with_key(STS_KEY).regions()

    with pytest.raises(sdk.error_type) as raised:
        sdk.with_key(STS_KEY_EXPIRED).regions()
    code, status, _ = sdk.error(raised.value)
    assert (code, status) == ("InvalidSecurityToken.Expired", 400)


def test_awkward_characters_are_signed_alike_on_both_sides(sdk):
    # Space, plus, star, tilde, slash, at, percent and non-ASCII: each SDK escapes them its own
    # way on the wire (Tea sends a space as "+", and signs "%20"), and the emulator must decode
    # and re-encode them to the very canonical form that was signed. No such user exists, so the
    # answer is an empty list rather than SignatureDoesNotMatch.
    awkward = "a b+c*~/@%=&é中"
    users, total = sdk.users_page(HANGZHOU, FULL_INSTANCE, 1, 10, user_name=awkward)
    assert (users, total) == ([], 0)
