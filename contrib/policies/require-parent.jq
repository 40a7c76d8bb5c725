# The session is linked to the attestation before it.
[.predicate.buildDefinition.resolvedDependencies[]?
 | select(.annotations.role == "parent-attestation")]
| if length == 1 then true else "no parent attestation: the session is a chain root" end
