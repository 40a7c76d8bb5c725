# The session took at most an hour (times are whole seconds, UTC).
.predicate.runDetails.metadata
| ((.finishedOn | fromdateiso8601) - (.startedOn | fromdateiso8601)) as $d
| if $d <= 3600 then true else "the session took \($d)s, more than 3600s" end
