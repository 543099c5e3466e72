"""Reports: the monthly income statement, the year-end summary, a wheel's story and the weekly review,
shaped from the projections into plain data that templates render without arithmetic."""
