"""Prose paragraphs the cleaning tests build articles from: plain news sentences that no
rule may remove."""

P1 = (
    "The city council voted on Tuesday to expand the harbour district, ending a two-year "
    "dispute over zoning that had pitted fishing cooperatives against property developers."
)
P2 = (
    "Under the plan, about 40 hectares of disused warehouses will be converted into housing, "
    "and the ferry terminal will be moved a kilometre further north by the end of 2027."
)
P3 = (
    "Opponents said they would challenge the decision in court, arguing that the council had "
    "ignored an environmental report that warned of flooding in the lower streets."
)
