"""What real sites put in their markdown besides markdown: HTML, template tags (Liquid,
Hugo shortcodes), callouts, MDX. Read into text and structure here, with no Textual, so
the loader (initiatives, the words indexed) and the renderer read them the same way."""
