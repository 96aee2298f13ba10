"""Views: one module per maintained notebook, holding what its page states (parameter checks, the tables it
shows, its headline numbers, its narrative) so the notebook holds only parameters, calls and display.
"""
