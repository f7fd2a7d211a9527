"""Investigation (audit investigasi): for now it keeps the register of cases it may be asked to
audit; audit plans, Berita Acara Klarifikasi, results, recommendations and escalation come next."""
