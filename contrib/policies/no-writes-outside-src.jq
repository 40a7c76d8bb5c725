# Every file the session created, changed or deleted is under src/.
def outside: startswith("src/") | not;
[ (.subject[] | select(.name | outside) | "wrote \(.name) outside src/"),
  (.predicate.runDetails.byproducts[]? | select(.annotations.role == "deleted")
   | select(.name | outside) | "deleted \(.name) outside src/") ]
