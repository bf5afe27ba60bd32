-- POST /api/guardians/evaluate: one inline 3-rule CRITERIA_GATE against a UOW that passes it.
-- The Authorization header comes from the command line (-H), so the token never sits in a file.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"guardians":[{"type":"CRITERIA_GATE","name":"big-payments","attributes":{"operator":"AND","rules":[{"field":"amount","condition":"gte","value":1000},{"field":"status","condition":"equals","value":"PENDING"},{"field":"risk_score","condition":"lt","value":0.7}]}}],"uow":{"uow_id":"uow-0001","status":"PENDING","child_count":0,"finished_child_count":0,"created_at":"2025-11-25T11:00:00Z","amount":25000,"risk_score":0.25,"region":"eu"}}]]
