#!/usr/bin/python3
# test-policy.py: the contact policy (issue 17) against the real server.
# Tenant admins name ranks, give people one and set which rank may open a
# direct room with which; every pair of ranks is tried both ways, each
# refusal is a 403 naming the policy, audited as forbidden_attempt, that
# creates nothing. The role pairs of [policy] forbid_direct still apply;
# bad input changes nothing.
# SPDX-License-Identifier: GPL-3.0-or-later
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cs_test  # noqa: E402
from cs_test import check  # noqa: E402

ADMIN = "ada@example.com"
RANKS = ["CEO", "Director", "Employee", "Contractor"]
# After the AfriTalk matrix: who may open a direct room with whom.
ALLOW = {
    "CEO": {"CEO", "Director", "Employee", "Contractor"},
    "Director": {"CEO", "Director", "Employee", "Contractor"},
    "Employee": {"Director", "Employee"},
    "Contractor": {"Employee"},
}


def raw(s, method, path, data, token, ctype="application/json"):
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    try:
        conn.request(method, path, body=data,
                     headers={"Authorization": "Bearer " + token, "Content-Type": ctype})
        r = conn.getresponse()
        body = r.read()
        return r.status, json.loads(body) if body else None
    finally:
        conn.close()


def main():
    with cs_test.Server("[policy]\nforbid_direct = guest:admin\n") as s:
        s.tenant("acme", ADMIN)
        s.tenant("other", "olga@example.com")
        admin = s.token("acme", ADMIN)
        olga = s.token("other", "olga@example.com")

        def add_user(email, name, role="member"):
            st, _, body = s.request("POST", "/api/admin/users",
                                    {"email": email, "display_name": name,
                                     "password": cs_test.PASSWORD, "role": role}, token=admin)
            assert st == 201, (st, body)
            return body["id"], s.token("acme", email)

        def policy(token=admin):
            st, _, body = s.request("GET", "/api/admin/contact-policy", token=token)
            assert st == 200, (st, body)
            return body

        def audit(action):
            st, _, body = s.request("GET", "/api/admin/audit?action=%s&limit=100" % action, token=admin)
            assert st == 200, (st, body)
            return body["entries"]

        def direct_rooms(token):
            st, _, body = s.request("GET", "/api/rooms", token=token)
            assert st == 200, (st, body)
            return [r for r in body["rooms"] if r["type"] == "direct"]

        # Two people of each rank: "a" opens, "b" is reached.
        people = {}
        for r in RANKS:
            for side in ("a", "b"):
                email = "%s.%s@example.com" % (r.lower(), side)
                people[(r, side)] = add_user(email, "%s %s" % (r, side.upper()))
        unranked_id, unranked = add_user("uma@example.com", "Uma")
        guest_id, guest = add_user("gus@example.com", "Gus", role="guest")
        st, _, me = s.request("GET", "/api/me", token=admin)
        admin_id = me["id"]

        # No policy yet: everyone reaches everyone (existing tenants unchanged).
        check(policy() == {"ranks": [], "allow": []}, "a tenant starts without ranks")
        st, _, old_room = s.request("POST", "/api/rooms/direct", {"user_id": people[("CEO", "b")][0]},
                                    token=people[("Employee", "b")][1])
        check(st == 201, "without a policy an employee opens a direct room with the CEO")
        st, _, users = s.request("GET", "/api/users?limit=100", token=people[("Employee", "a")][1])
        check(all(u.get("can_direct", True) for u in users["users"]), "without a policy everyone is reachable")
        check(all(u["rank"] is None for u in users["users"]), "user objects carry rank null")

        # The policy, then everyone's rank.
        allow = [[f, t] for f in RANKS for t in RANKS if t in ALLOW[f]]
        st, _, body = s.request("PUT", "/api/admin/contact-policy", {"ranks": RANKS, "allow": allow}, token=admin)
        check(st == 200 and body["ranks"] == RANKS and sorted(map(tuple, body["allow"])) == sorted(map(tuple, allow)),
              "PUT stores the ranks in order and the matrix")
        check(policy() == body, "GET answers what PUT stored")
        check(audit("policy.update")[0]["details"]["ranks"] == 4, "the change is audited as policy.update")
        for (r, side), (uid, _) in people.items():
            st, _, body = s.request("PATCH", "/api/admin/users/%s" % uid, {"rank": r}, token=admin)
            assert st == 200 and body["rank"] == r, (st, body)
        check(audit("user.rank")[0]["details"]["to"] in RANKS, "a rank change is audited as user.rank")
        st, _, body = s.request("GET", "/api/contact-policy", token=people[("Contractor", "a")][1])
        check(st == 200 and body["my_rank"] == "Contractor" and body["ranks"] == RANKS,
              "a member reads the policy and their own rank")

        # Every pair of ranks, both directions.
        for f in RANKS:
            for t in RANKS:
                opener = people[(f, "a")][1]
                target = people[(t, "b")][0]
                before_audit = len(audit("forbidden_attempt"))
                before_rooms = len(direct_rooms(opener))
                st, _, body = s.request("POST", "/api/rooms/direct", {"user_id": target}, token=opener)
                if t in ALLOW[f]:
                    check(st == 201, "%s -> %s: 201" % (f, t))
                    check(len(audit("forbidden_attempt")) == before_audit, "%s -> %s: nothing audited" % (f, t))
                else:
                    sentence = ("Your organisation's contact policy does not let people ranked “%s” "
                                "open a direct conversation with people ranked “%s”." % (f, t))
                    check(st == 403 and body["error"]["code"] == "forbidden"
                          and body["error"]["message"] == sentence, "%s -> %s: 403 naming the policy" % (f, t))
                    entries = audit("forbidden_attempt")
                    check(len(entries) == before_audit + 1 and entries[0]["details"]["reason"] == sentence
                          and entries[0]["user_id"] == people[(f, "a")][0],
                          "%s -> %s: audited as forbidden_attempt" % (f, t))
                    check(len(direct_rooms(opener)) == before_rooms, "%s -> %s: no room created" % (f, t))

        # The picker's view: who cannot be reached, and why, before trying.
        st, _, users = s.request("GET", "/api/users?limit=100", token=people[("Employee", "a")][1])
        by_id = {u["id"]: u for u in users["users"]}
        ceo = by_id[people[("CEO", "b")][0]]
        check(ceo["can_direct"] is False and ceo["rank"] == "CEO"
              and ceo["contact_rule"] == {"kind": "rank", "from": "Employee", "to": "CEO"}
              and "“Employee”" in ceo["contact_reason"] and "“CEO”" in ceo["contact_reason"],
              "the listing says an employee cannot reach the CEO, and why")
        check(by_id[people[("Director", "b")][0]]["can_direct"] is True
              and "contact_reason" not in by_id[people[("Director", "b")][0]],
              "and that a director can be reached")
        check(by_id[unranked_id]["can_direct"] is True, "a person without a rank can be reached")

        # A direct room from before the policy does not reopen through it.
        st, _, body = s.request("POST", "/api/rooms/direct", {"user_id": people[("CEO", "b")][0]},
                                token=people[("Employee", "b")][1])
        check(st == 403, "an existing direct room is refused too")
        # A person without a rank is not governed by the matrix.
        st, _, _ = s.request("POST", "/api/rooms/direct", {"user_id": people[("CEO", "b")][0]}, token=unranked)
        check(st == 201, "a person without a rank reaches the CEO")

        # The role pairs of [policy] forbid_direct keep working.
        st, _, body = s.request("POST", "/api/rooms/direct", {"user_id": admin_id}, token=guest)
        check(st == 403 and "guest" in body["error"]["message"], "forbid_direct guest:admin still refuses")
        st, _, users = s.request("GET", "/api/users?limit=100", token=guest)
        adm = [u for u in users["users"] if u["id"] == admin_id][0]
        check(adm["can_direct"] is False and adm["contact_rule"]["kind"] == "role",
              "and the listing explains the role rule")

        # Bad input: a clear error, and nothing changes.
        stored = policy()
        bad = [
            ("non-admin", "PUT", {"ranks": ["X"]}, people[("CEO", "a")][1], 403),
            ("ranks missing", "PUT", {"allow": []}, admin, 400),
            ("ranks not strings", "PUT", {"ranks": [1, 2]}, admin, 400),
            ("too many ranks", "PUT", {"ranks": ["R%d" % i for i in range(21)]}, admin, 400),
            ("a name too long", "PUT", {"ranks": ["x" * 41]}, admin, 400),
            ("an empty name", "PUT", {"ranks": ["  "]}, admin, 400),
            ("a control character", "PUT", {"ranks": ["CE\nO"]}, admin, 400),
            ("a rank twice", "PUT", {"ranks": ["CEO", "ceo"]}, admin, 400),
            ("an unknown rank in allow", "PUT", {"ranks": ["A", "B"], "allow": [["A", "Z"]]}, admin, 400),
            ("a malformed pair", "PUT", {"ranks": ["A", "B"], "allow": [["A"]]}, admin, 400),
            ("allow not an array", "PUT", {"ranks": ["A"], "allow": "A"}, admin, 400),
            ("more pairs than pairs", "PUT", {"ranks": ["A"], "allow": [["A", "A"], ["A", "A"]]}, admin, 400),
        ]
        for what, method, body, token, want in bad:
            st, _, answer = s.request(method, "/api/admin/contact-policy", body, token=token)
            check(st == want and answer["error"]["message"], "%s: %d with a sentence" % (what, want))
        for what, data in [("malformed JSON", b"{\"ranks\": [\"A\""), ("not UTF-8", b"{\"ranks\": [\"\xff\xfe\"]}")]:
            st, answer = raw(s, "PUT", "/api/admin/contact-policy", data, admin)
            check(st == 400 and answer["error"]["code"] == "bad_request", "%s: 400" % what)
        st, _, answer = s.request("GET", "/api/admin/contact-policy", token=people[("CEO", "a")][1])
        check(st == 403, "a member cannot read the admin endpoint")
        check(policy() == stored, "bad input changed nothing")

        ceo_id = people[("CEO", "a")][0]
        st, _, answer = s.request("PATCH", "/api/admin/users/%s" % ceo_id, {"rank": "Pope", "role": "admin"}, token=admin)
        check(st == 400 and "Pope" in answer["error"]["message"], "an unknown rank is 400")
        st, _, u = s.request("GET", "/api/users?q=CEO%20A", token=admin)
        check(u["users"][0]["rank"] == "CEO" and u["users"][0]["role"] == "member",
              "and neither the rank nor the role changed")
        st, _, answer = s.request("PATCH", "/api/admin/users/%s" % ceo_id, {"rank": 5}, token=admin)
        check(st == 400, "a rank that is not a string is 400")
        st, _, answer = s.request("PATCH", "/api/admin/users/%s" % ceo_id, {"rank": "CEO"},
                                  token=people[("Director", "a")][1])
        check(st == 403, "a member cannot give ranks")
        st, _, them = s.request("GET", "/api/me", token=olga)
        st, _, answer = s.request("PATCH", "/api/admin/users/%s" % them["id"], {"rank": "CEO"}, token=admin)
        check(st == 404, "another organisation's user is unknown")
        st, _, body = s.request("PATCH", "/api/admin/users/%s" % unranked_id, {"rank": "Employee"}, token=admin)
        check(st == 200 and body["rank"] == "Employee", "a rank is given")
        st, _, body = s.request("PATCH", "/api/admin/users/%s" % unranked_id, {"rank": None}, token=admin)
        check(st == 200 and body["rank"] is None, "and taken away with null")

        # A rank left out of a new list leaves its people without one.
        st, _, body = s.request("PUT", "/api/admin/contact-policy",
                                {"ranks": ["CEO", "Director", "Employee"]}, token=admin)
        check(st == 200 and len(body["allow"]) == 9, "without allow, every pair is allowed")
        st, _, u = s.request("GET", "/api/users?q=Contractor%20A", token=admin)
        check(u["users"][0]["rank"] is None, "people of a removed rank have none")
        st, _, _ = s.request("POST", "/api/rooms/direct", {"user_id": people[("CEO", "b")][0]},
                             token=people[("Employee", "b")][1])
        check(st == 200, "the old direct room opens again once the policy allows it")
        # Another organisation is untouched.
        st, _, body = s.request("GET", "/api/admin/contact-policy", token=olga)
        check(st == 200 and body["ranks"] == [], "another organisation has no ranks")


if __name__ == "__main__":
    main()
