# No egress beyond loopback: the jail did not share the host network, and
# gl-netfilter (when it ran) allowed no destination.
.predicate.buildDefinition.internalParameters.sandbox as $s
| if $s == null then "no sandbox report: the network is unknown"
  elif ($s.jail.network.mode // "") == "shared" then "the jail shared the host network"
  elif (($s.network.allow // $s.network.allow_domains // []) | length) > 0
  then "egress was allowed to \(($s.network.allow // $s.network.allow_domains) | join(", "))"
  elif $s.jail.network == null and $s.network == null then "no network report"
  else true end
