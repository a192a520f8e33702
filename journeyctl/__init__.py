"""journeyctl: customer journey maps as YAML — validate, simulate, render and find gaps."""

__version__ = "0.1.0"
