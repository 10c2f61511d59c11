"""The proof-of-concept stage (概念验证): a connected pairing is opened to PoC centers, centers bid
under a structured term sheet, both parties select one bid, the three parties sign the frozen
agreement, the center delivers milestones and files the validation report, the parties accept it.

One module per aggregate: ``parties`` (who is who, who sees what), ``centers`` (profiles),
``requests`` (validation requests) and ``fit`` (which requests suit a center), ``terms`` and
``bids`` (term sheets, revisions), ``comparison``, ``selection`` (accepting a bid → engagement),
``agreements`` and ``signing`` (the tamper-evident agreement), ``engagements``, ``milestones``
and ``uploads`` (deliverables), ``reports``, ``sweep`` (overdue milestones).
"""
