-- What the model said before an intraday re-forecast rescaled the row, so every re-forecast
-- of the day scales the model's figure (not the previous re-forecast's: no compounding).
ALTER TABLE forecasts ADD COLUMN model_arrivals double precision CHECK (model_arrivals >= 0);
