"""The conference and practice chapters: sourced statistics and the programme (:mod:`.data`), and
their figures (:mod:`.figures`)."""

from .data import (STATUSES, attendance, evening_hours, growth, hhmm, hours_since_midnight, longest_run, oral_sessions_per_track,
                   reader_window, schedule, statistics, tracks, years_in_band)
from .figures import (draw_acceptance, draw_attendance, draw_clock, draw_long_short, draw_submissions, draw_tracks,
                      programme_table)

__all__ = ["STATUSES", "attendance", "evening_hours", "growth", "hhmm", "hours_since_midnight", "longest_run",
           "oral_sessions_per_track", "reader_window", "schedule", "statistics", "tracks", "years_in_band",
           "draw_acceptance", "draw_attendance", "draw_clock", "draw_long_short", "draw_submissions", "draw_tracks",
           "programme_table"]
