-- Refused only under differential privacy (dp=True); same tables as refused.sql.

-- rule: dp-aggregates
SELECT 区县, stddev(工资) AS s FROM 人员 GROUP BY 区县
-- rule: dp-aggregates
SELECT 区县, sum(工资) / 2 AS s FROM 人员 GROUP BY 区县
-- rule: dp-aggregates
SELECT 区县, count(*) FILTER (WHERE 性别 = '女') AS n FROM 人员 GROUP BY 区县
-- rule: dp-aggregates
SELECT 区县, quantile_cont(工资, 2) AS q FROM 人员 GROUP BY 区县
-- rule: dp-bounds
SELECT 区县, sum(姓名) AS s FROM 人员 GROUP BY 区县
-- rule: dp-bounds
SELECT 区县, sum(收入) AS s FROM 人员 GROUP BY 区县
-- rule: dp-bounds
SELECT 区县, avg(收入) AS s FROM 人员 GROUP BY 区县
-- rule: dp-bounds
SELECT 区县, median(收入) AS m FROM 人员 GROUP BY 区县
-- rule: dp-bounds
SELECT band, sum(n) AS s FROM (SELECT 身份证号, count(*) AS n, 区县 AS band FROM 人员 GROUP BY 身份证号, 区县) GROUP BY band
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 HAVING count(*) > 5
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 LIMIT 3 OFFSET 1
-- rule: dp-shape
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 ORDER BY sum(工资)
-- rule: dp-shape
SELECT count(*) AS n FROM 人员 GROUP BY 区县
-- rule: subquery-condition
SELECT count(*) AS n FROM 人员 WHERE 工资 > (SELECT avg(工资) FROM 人员)
-- rule: value-aggregate
SELECT 区县, max(工资) AS m FROM 人员 GROUP BY 区县
-- rule: dp-person
SELECT a.区县, count(*) AS n FROM 人员 a JOIN 人员 b ON a.区县 = b.区县 GROUP BY a.区县
-- rule: raw-protected-output
SELECT 身份证号, count(*) AS n FROM 人员 GROUP BY 身份证号
