"""What-if: the effect of changes on a map's personas, before they ship."""
