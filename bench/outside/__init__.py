"""Intent understanding on outside data (Banking77, BANKING77-OOS, Bitext, ArBanking77)."""
