"""Contact policy: may we contact this customer, on this channel, for this purpose, now?

Four layers answer, each with reasons (``cortesia.domain.verdict``):

- ``consent_layer``: the ledger's consent, snoozes, the customer's own hours and caps,
  the erasure suppression list;
- ``registry_layer``: national do-not-call registries, with effect delays and snapshot ages;
- ``legal``: the jurisdiction pack of the customer's country (hours, days, holidays,
  frequency, consent needed, exemptions);
- ``company_layer``: the company's own caps, cool-offs and windows.

A denial by consent or a registry can never be turned into an allowance by the company
policy: the verdict is allowed only when no layer denies.
"""
