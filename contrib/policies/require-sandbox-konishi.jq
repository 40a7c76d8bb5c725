# The session ran in the jail (gl-jail measured the user and mount
# namespaces, seccomp was on) with the konishi profile.
.predicate.buildDefinition as $b
| ($b.internalParameters.sandbox.jail // {}) as $j
| [ (if (($j.measured.namespaces.user == true) and ($j.measured.namespaces.mnt == true))
        or (($j.namespaces // []) | length > 0)
     then empty else "no jail: the user and mount namespaces were not measured" end),
    (if ($j.seccomp | if type == "object" then .enforced == true else (. // 0) != 0 end)
     then empty else "seccomp was not enforced" end),
    (if ($b.externalParameters.profile.name // "") != "konishi"
     then "profile is \($b.externalParameters.profile.name // "(none)"), not konishi" else empty end) ]
