# Terraform modules pin their versions: the Rego policy of acme.terraform.modules_pinned.
#
# Input: the facts document (`maturity facts PATH -f json`). Output: `verdict`, an object with
# `status`, `message`, an optional `score` (partial) and `evidence` (see the README).
package acme.terraform

# modules of the project's own Terraform (not examples or fixtures)
modules := [m |
	some m in input.terraform.blocks
	m.kind == "module"
	m.location == "project"
]

local(source) if startswith(source, "./")

local(source) if startswith(source, "../")

git(source) if startswith(source, "git::")

git(source) if startswith(source, "github.com/")

git(source) if contains(source, "git@")

remote := [m | some m in modules; not local(m.source)]

pinned(m) if {
	git(m.source)
	contains(m.source, "?ref=")
}

pinned(m) if {
	not git(m.source)
	is_string(m.attributes.version)
	m.attributes.version != ""
}

good := [m | some m in remote; pinned(m)]

bad := [m | some m in remote; not pinned(m)]

at(m) := {"path": m.path, "line": m.line, "snippet": sprintf("module %q (%s)", [m.name, m.source])}

default verdict := {"status": "not_assessed", "message": "the Terraform code uses no module from a registry or git"}

verdict := {
	"status": "pass",
	"message": sprintf("all %d modules from a registry or git pin a version", [count(remote)]),
	"evidence": [at(m) | some m in good],
} if {
	count(remote) > 0
	count(bad) == 0
}

verdict := {
	"status": "partial",
	"score": count(good) / count(remote),
	"message": sprintf("%d of %d modules pin a version; not %s", [count(good), count(remote), concat(", ", sort([sprintf("`%s`", [m.name]) | some m in bad]))]),
	"evidence": [at(m) | some m in good],
} if {
	count(good) > 0
	count(bad) > 0
}

verdict := {
	"status": "fail",
	"message": sprintf("none of the %d modules from a registry or git pins a version (%s)", [count(remote), concat(", ", sort([sprintf("`%s`", [m.name]) | some m in bad]))]),
	"evidence": [at(m) | some m in bad],
} if {
	count(remote) > 0
	count(good) == 0
}
