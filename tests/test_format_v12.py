"""Issue 12 in the map format: a persona's own entry, customers, offers they do not want;
invitations against pushes; the lint rules and push gaps that read them."""

from __future__ import annotations

import json

import pytest
import yaml

from journeyctl.core.model import Persona, Touchpoint
from journeyctl.core.span import Span
from journeyctl.lint.load import load_map
from journeyctl.markov.chain import persona_chain

EVERY_FIELD = """\
journeyctl: 1
journey:
  id: relationship
  name: The whole relationship
  kind: cyclical
  goal: {touchpoints: [subscribe]}
  entry: {browse: 1}
  renewal: {touchpoint: renew}
stages:
  - {id: join, name: Join}
  - {id: in-life, name: In life}
channels:
  - {id: web, name: Website}
  - {id: email, name: Email}
personas:
  - id: loyal
    name: Loyal customer
    starts_as: customer
    entry: {usage: 3, renew: 1}
    owns: [unlimited-data]
    not_interested: [insurance]
  - {id: stranger, name: Stranger, starts_as: prospect}
touchpoints:
  - {id: browse, stage: join, channel: web, engagement: passive, value: [informative],
     next: {subscribe: 1, exit: 1}}
  - {id: subscribe, stage: join, channel: web, engagement: active, value: [offer],
     next: {usage: 1}}
  - {id: usage, stage: in-life, channel: web, engagement: active, value: [insightful],
     next: {newsletter: 1, renew: 2, exit: 1}}
  - {id: newsletter, stage: in-life, channel: email, engagement: passive, value: [informative],
     initiated_by: brand, invitation: true, offers: [insurance], next: {renew: 1, exit: 1}}
  - {id: renew, stage: in-life, channel: web, engagement: active, value: [offer],
     next: {subscribe: 1}}
"""

V1_PUSH = """\
journeyctl: 1
journey:
  id: v1
  name: A v1 map
  goal: {touchpoints: [buy]}
  entry: {browse: 1}
stages:
  - {id: purchase, name: Purchase}
channels:
  - {id: web, name: Website}
  - {id: sms, name: SMS}
personas:
  - {id: loyal, name: Loyal customer, opted_out: [sms], owns: [data]}
touchpoints:
  - {id: browse, stage: purchase, channel: web, engagement: passive, next: {buy: 1, exit: 1}}
  - {id: buy, stage: purchase, channel: web, engagement: active, next: {promo: 1}}
  - {id: promo, stage: purchase, channel: sms, engagement: passive, initiated_by: brand,
     offers: [data], next: {exit: 1}}
"""


def at(text: str, needle: str, part: str = "") -> tuple[int, int]:
    """(line, column), 1-based, of the first `needle` in `text`, or of the last `part` in it."""
    pos = text.index(needle) + (needle.rindex(part) if part else 0)
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def validate(cli, tmp_path, text: str) -> tuple[int, list[tuple[str, int, int]]]:
    """Exit code and (code, line, column) of each finding of `journeyctl validate`."""
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("validate", path, "-f", "json")
    findings = json.loads(result.out)["findings"]
    return result.code, sorted((f["code"], f["line"], f["column"]) for f in findings)


# --- the format -----------------------------------------------------------------------------


def test_a_map_with_every_new_field_validates_clean(cli, tmp_path):
    assert validate(cli, tmp_path, EVERY_FIELD) == (0, [])


def test_the_printed_schema_accepts_every_new_field_and_refuses_bad_values(cli):
    from jsonschema import Draft202012Validator

    schema = Draft202012Validator(json.loads(cli("schema").out))
    data = yaml.safe_load(EVERY_FIELD)
    assert list(schema.iter_errors(data)) == []
    data["personas"][1]["starts_as"] = "lead"
    data["touchpoints"][3]["invitation"] = "yes"
    data["personas"][0]["not_interested"] = "insurance"
    assert len(list(schema.iter_errors(data))) == 3


def test_wrong_values_of_new_fields_are_located(cli, tmp_path):
    text = EVERY_FIELD.replace("starts_as: prospect", "starts_as: lead").replace(
        "invitation: true", "invitation: maybe"
    )
    code, found = validate(cli, tmp_path, text)
    assert code == 1
    assert found == sorted(
        [
            ("JM013", *at(text, "lead")),
            ("JM012", *at(text, "maybe")),
        ]
    )


def test_the_model_reads_the_new_fields_with_their_spans(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(EVERY_FIELD, encoding="utf-8")
    jmap = load_map(path)
    loyal, stranger = jmap.personas
    assert loyal.customer and loyal.starts_as == "customer"
    assert not stranger.customer and stranger.entry == ()
    assert [(m.target, m.weight) for m in loyal.entry] == [("usage", 3.0), ("renew", 1.0)]
    assert loyal.not_interested == ("insurance",)
    span = loyal.entry[1].span
    assert (span.line, span.col) == at(EVERY_FIELD, "renew: 1}")
    for key, needle, part in [
        ("starts_as", "starts_as: customer", "customer"),
        ("not_interested:0", "[insurance]", "insurance"),
    ]:
        assert (loyal.at(key).line, loyal.at(key).col) == at(EVERY_FIELD, needle, part)
    newsletter = jmap.touchpoint["newsletter"]
    assert newsletter.invitation and not newsletter.push
    assert not jmap.touchpoint["usage"].invitation


def test_a_v1_push_map_validates_clean_and_keeps_its_meaning(cli, tmp_path):
    assert validate(cli, tmp_path, V1_PUSH) == (0, [])
    jmap = load_map(tmp_path / "map.yaml")
    promo = jmap.touchpoint["promo"]
    assert promo.push and not promo.invitation
    assert not jmap.touchpoint["browse"].push
    loyal = jmap.persona["loyal"]
    assert loyal.starts_as == "prospect" and not loyal.customer
    assert loyal.entry == () and loyal.not_interested == ()


# --- Persona.factor -------------------------------------------------------------------------

HERE = Span.point("map.yaml", 1, 1)


def persona(**fields) -> Persona:
    return Persona(
        id="p",
        span=HERE,
        spans={},
        channel_affinity={"sms": 2.0, "web": 0.5},
        screen_affinity={"phone": 3.0},
        **fields,
    )


def touchpoint(**fields) -> Touchpoint:
    return Touchpoint(id="t", span=HERE, spans={}, channel="sms", screens=("phone",), **fields)


PUSH = {"initiated_by": "brand"}
INVITATION = {"initiated_by": "brand", "invitation": True}


@pytest.mark.parametrize(
    ("who", "what", "factor"),
    [
        ({}, {}, 6.0),  # customer-initiated: a × s = 2 × 3
        ({"opted_out": ("sms",)}, {}, 6.0),  # an opt-out is about the brand's messages
        ({}, PUSH, 6.0),
        ({"opted_out": ("sms",)}, PUSH, 6.0),  # the design sends it: the walk receives it
        ({"owns": ("data",)}, {**PUSH, "offers": ("data",)}, 6.0),
        ({}, INVITATION, 6.0),
        ({"opted_out": ("sms",)}, INVITATION, 0.0),  # never taken up on a shut channel
        ({"opted_out": ("web",)}, INVITATION, 6.0),
        ({"owns": ("data",)}, {**INVITATION, "offers": ("data",)}, 0.0),
        ({"not_interested": ("tv",)}, {**INVITATION, "offers": ("tv",)}, 0.0),
        (
            {"owns": ("data",), "not_interested": ("tv",)},
            {**INVITATION, "offers": ("data", "tv")},
            0.0,
        ),
        ({"owns": ("data",)}, {**INVITATION, "offers": ("data", "tv")}, 6.0),  # tv is new
        ({"owns": ("data",)}, INVITATION, 6.0),  # offers nothing: nothing to decline
    ],
)
def test_factor(who, what, factor):
    assert persona(**who).factor(touchpoint(**what)) == factor


def test_a_push_on_an_opted_out_channel_is_walked_and_a_declined_invitation_is_not(tmp_path):
    # buy: {push: 1, invite: 1, exit: 2}; loyal declines the invitation (on sms, opted out).
    text = V1_PUSH.replace("next: {promo: 1}}", "next: {promo: 1, invite: 1, exit: 2}}") + (
        "  - {id: invite, stage: purchase, channel: sms, engagement: passive, "
        "initiated_by: brand,\n     invitation: true, next: {exit: 1}}\n"
    )
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    chain = persona_chain(load_map(path), "loyal")
    i = chain.index
    assert chain.P[i["buy"], i["promo"]] == pytest.approx(1 / 3)
    assert chain.P[i["buy"], i["invite"]] == 0
    assert chain.exit[i["buy"]] == pytest.approx(2 / 3)


# --- lint rules -----------------------------------------------------------------------------


def test_unknown_touchpoint_in_a_persona_entry(cli, tmp_path):
    text = EVERY_FIELD.replace("entry: {usage: 3, renew: 1}", "entry: {usage: 3, renwe: 1}")
    code, found = validate(cli, tmp_path, text)
    assert (code, found) == (1, [("JM105", *at(text, "renwe"))])


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ("{usage: -3, renew: 1}", "usage: -3"),  # negative: at the weight's key
        ("{usage: 0, renew: 0}", "{usage: 0"),  # adds up to zero: at the mapping
        ("{}", "{}\n"),  # written, but empty
    ],
)
def test_bad_weights_in_a_persona_entry(cli, tmp_path, entry, where):
    text = EVERY_FIELD.replace("{usage: 3, renew: 1}", entry)
    code, found = validate(cli, tmp_path, text)
    assert (code, found) == (1, [("JM110", *at(text, where))])


def test_customer_without_entry(cli, tmp_path):
    text = EVERY_FIELD.replace("    entry: {usage: 3, renew: 1}\n", "")
    code, found = validate(cli, tmp_path, text)
    assert (code, found) == (1, [("JM122", *at(text, "starts_as: customer", "customer"))])
    r = cli("validate", tmp_path / "map.yaml")
    assert "persona `loyal` starts as a customer but has no `entry`" in r.out


def test_invitation_the_customer_starts(cli, tmp_path):
    text = EVERY_FIELD.replace("initiated_by: brand, invitation: true", "invitation: true")
    code, found = validate(cli, tmp_path, text)
    assert (code, found) == (1, [("JM123", *at(text, "true"))])


OPTED_OUT = "    owns: [unlimited-data]\n", "    opted_out: [email]\n    owns: [unlimited-data]\n"


def test_invitation_on_an_opted_out_channel(cli, tmp_path):
    text = EVERY_FIELD.replace(*OPTED_OUT)
    code, found = validate(cli, tmp_path, text)
    assert (code, found) == (0, [("JM124", *at(text, "email, engagement"))])  # a warning
    r = cli("validate", tmp_path / "map.yaml")
    assert "persona `loyal` opted out of email, so never takes up the invitation" in r.out


def test_a_push_on_an_opted_out_channel_is_no_lint_finding(cli, tmp_path):
    text = EVERY_FIELD.replace(*OPTED_OUT).replace("invitation: true, ", "")
    assert validate(cli, tmp_path, text) == (0, [])  # gaps reports it (G301)


def test_a_touchpoint_only_a_persona_entry_reaches_is_reachable(cli, tmp_path):
    # Only the persona's entry leads to `welcome-back`.
    text = EVERY_FIELD.replace("entry: {usage: 3, renew: 1}", "entry: {welcome-back: 1}") + (
        "  - {id: welcome-back, stage: in-life, channel: web, engagement: active,\n"
        "     value: [fun], next: {usage: 1}}\n"
    )
    assert validate(cli, tmp_path, text) == (0, [])
    unreached = text.replace("entry: {welcome-back: 1}", "entry: {usage: 1}")
    code, found = validate(cli, tmp_path, unreached)
    assert (code, found) == (0, [("JM107", *at(unreached, "welcome-back"))])


def test_a_persona_entry_is_taken_as_written(cli, tmp_path):
    # Affinities do not adjust a persona's own entry: no JM121 for the entry there.
    extreme = "    channel_affinity: {web: 0.0000001, post: 1000000}\n"
    text = (
        EVERY_FIELD.replace("    owns:", extreme + "    owns:")
        .replace("entry: {browse: 1}", "entry: {browse: 1, mail: 1}")
        .replace("  - {id: email, name: Email}\n", "  - {id: email, name: Email}\n"
                 "  - {id: post, name: Post}\n")
    ) + (
        "  - {id: mail, stage: join, channel: post, engagement: active, value: [offer],\n"
        "     next: {subscribe: 1}}\n"
    )  # fmt: skip
    assert validate(cli, tmp_path, text) == (0, [])
    # Without its own entry the journey's is adjusted: browse is then 1e-13 beside mail.
    prospect = text.replace("    starts_as: customer\n    entry: {usage: 3, renew: 1}\n", "")
    code, found = validate(cli, tmp_path, prospect)
    assert (code, found) == (1, [("JM121", *at(prospect, "browse: 1, mail"))])


# --- push gaps ------------------------------------------------------------------------------

OFFERS = """\
journeyctl: 1
journey:
  id: offers
  name: Offers
  goal: {touchpoints: [buy]}
  entry: {browse: 1}
stages:
  - {id: look, name: Look}
  - {id: buy, name: Buy}
channels:
  - {id: web, name: Website}
  - {id: sms, name: SMS}
personas:
  - id: loyal
    name: Loyal customer
    opted_out: [sms]
    owns: [data]
    not_interested: [roaming, insurance]
touchpoints:
  - {id: browse, stage: look, channel: web, engagement: passive, value: [informative],
     next: {buy: 1, exit: 1}}
  - {id: buy, stage: buy, channel: web, engagement: active, value: [offer],
     next: {sms-push: 1, sms-invite: 1, exit: 2}}
  - {id: sms-push, stage: buy, channel: sms, engagement: passive, initiated_by: brand,
     value: [offer], offers: [insurance, data], next: {exit: 1}}
  - {id: sms-invite, stage: buy, channel: sms, engagement: passive, initiated_by: brand,
     invitation: true, value: [offer], offers: [roaming], next: {exit: 1}}
"""


def push_gaps(cli, tmp_path, text: str) -> list[dict]:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    r = cli("gaps", path, "-f", "json")
    assert r.code == 0, r.err
    return [g for g in json.loads(r.out)["gaps"] if g["family"] == "push"]


def test_push_gaps_are_for_pushes_only(cli, tmp_path):
    gaps = push_gaps(cli, tmp_path, OFFERS)
    assert sorted((g["code"], g["touchpoints"][0]) for g in gaps) == [
        ("G301", "sms-push"),
        ("G302", "sms-push"),
        ("G303", "sms-push"),
    ]


def test_unwanted_offer(cli, tmp_path):
    gaps = push_gaps(cli, tmp_path, OFFERS)
    g = next(g for g in gaps if g["code"] == "G303")
    assert (g["slug"], g["severity"], g["persona"], g["stage"]) == (
        "unwanted-offer",
        "warning",
        "loyal",
        "buy",
    )
    assert g["message"] == "sms-push offers insurance, which loyal is not interested in"
    evidence = [(e["line"], e["column"], e["note"]) for e in g["evidence"]]
    assert evidence == [
        (*at(OFFERS, "insurance, data"), "`sms-push` offers insurance"),
        (*at(OFFERS, "insurance]"), "`loyal` is not interested in insurance"),
    ]
    path = tmp_path / "map.yaml"
    concise = cli("gaps", path, "-f", "concise").out.splitlines()
    line, col = at(OFFERS, "insurance, data")
    assert f"{path}:{line}:{col}: G303 [warning] {g['message']}" in concise


def test_push_impact_is_the_share_of_walks_that_receive_it(cli, tmp_path):
    # Half the walks reach buy; loyal declines the invitation (on sms, and loyal does not want
    # roaming), so buy: {sms-push: 1, sms-invite: 0, exit: 2}.
    for g in push_gaps(cli, tmp_path, OFFERS):
        assert g["impact"] == pytest.approx(1 / 6, abs=1e-6)


def test_an_invitation_offering_only_unwanted_things_is_no_gap(cli, tmp_path):
    text = OFFERS.replace("initiated_by: brand,\n     value: [offer], offers: [insurance, data]",
                          "initiated_by: brand,\n     invitation: true, value: [offer], "
                          "offers: [insurance, data]")  # fmt: skip
    assert push_gaps(cli, tmp_path, text) == []
    # validate warns about each invitation on sms, which loyal opted out of.
    assert validate(cli, tmp_path, text) == (
        0,
        [
            ("JM124", *at(text, "sms-push, stage: buy, channel: sms", "sms")),
            ("JM124", *at(text, "sms-invite, stage: buy, channel: sms", "sms")),
        ],
    )
