-- Refused only under differential privacy (dp=True); same tables as refused.sql.

-- rule: dp-aggregates
SELECT 区县, count(DISTINCT 身份证号) AS n FROM 人员 GROUP BY 区县
-- rule: dp-aggregates
SELECT 区县, stddev(工资) AS s FROM 人员 GROUP BY 区县
-- rule: dp-aggregates
SELECT 区县, sum(工资) / 2 AS s FROM 人员 GROUP BY 区县
-- rule: dp-aggregates
SELECT 区县, sum(工资 * 2) AS s FROM 人员 GROUP BY 区县
-- rule: dp-aggregates
SELECT 区县, sum(姓名) AS s FROM 人员 GROUP BY 区县
-- rule: dp-bounds
SELECT 区县, sum(收入) AS s FROM 人员 GROUP BY 区县
-- rule: dp-bounds
SELECT 区县, avg(收入) AS s FROM 人员 GROUP BY 区县
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 HAVING count(*) > 5
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 LIMIT 3
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 ORDER BY n DESC
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 ORDER BY count(*)
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM (SELECT 区县 FROM 人员) GROUP BY 区县
-- rule: dp-shape
SELECT count(*) AS n FROM 人员 WHERE 工资 > (SELECT avg(工资) FROM 人员)
