"""Pure Block Kit builders: data in, blocks and fallback text out; they never query."""
