from reports.selectors.illustrative import holds_illustrative_data


def illustrative(request):
    """`illustrative_data`: the portal holds the demo's illustrative history, and every page
    says so (base.html)."""
    return {"illustrative_data": holds_illustrative_data()}
