"""Forecast snapshots stored in the workspace and the forecasting settings (PIPE-2 to PIPE-4)."""
