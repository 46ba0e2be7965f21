-- Allowed queries: "-- allowed: <output name>=<role>[:<aggregate kind>]; …" then the SQL. Add "dp" after
-- "allowed" for a case that must also pass under differential privacy.

-- allowed dp: 区县=group; count_star()=aggregate:count
SELECT 区县, count(*) FROM 人员 GROUP BY 区县
-- allowed dp: 区县=group; 人数=aggregate:count; 总工资=aggregate:sum; 平均工资=aggregate:avg
SELECT 区县, COUNT(*) AS 人数, SUM(工资) AS 总工资, AVG(工资) AS 平均工资 FROM 人员 WHERE 性别 = '女' GROUP BY 区县 ORDER BY 区县
-- allowed: count_star()=aggregate:count
SELECT count(*) FROM 人员
-- allowed: 区县=group; count(DISTINCT "身份证号")=aggregate:count_distinct
SELECT 区县, count(DISTINCT 身份证号) FROM 人员 GROUP BY 区县
-- allowed: 区县=group; sum("工资")=aggregate:sum; avg("年龄")=aggregate:avg; stddev("工资")=aggregate:other
SELECT 区县, sum(工资), avg(年龄), stddev(工资) FROM 人员 GROUP BY ALL
-- allowed: 区县=group; n=aggregate:count
SELECT 区县, count(*) AS n FROM 人员 WHERE 工资 > 5000 AND 姓名 IS NOT NULL GROUP BY 区县 HAVING sum(工资) > 0 ORDER BY n DESC LIMIT 10
-- allowed: 行业=group; 人数=aggregate:count_distinct
SELECT e.行业, count(DISTINCT p.身份证号) AS 人数 FROM 人员 p JOIN 企业 e ON p.身份证号 = e.法人身份证号 GROUP BY e.行业
-- allowed: 区县=group; 人口=group; n=aggregate:count
SELECT p.区县, r.人口, count(*) AS n FROM 人员 AS p LEFT JOIN 区划 AS r USING (区县) GROUP BY 1, 2
-- allowed: 区县=group; 平均=aggregate:avg
SELECT 区县, avg(s) AS 平均 FROM (SELECT 区县, 身份证号, sum(工资) AS s FROM 人员 GROUP BY 区县, 身份证号) t GROUP BY 区县
-- allowed: 段=group; n=aggregate:count
WITH 年龄段 AS (SELECT floor(年份 / 10) * 10 AS 段, 身份证号 FROM 人员) SELECT 段, count(*) AS n FROM 年龄段 GROUP BY 段
-- allowed: 区县=group; 人均工资=aggregate:other
SELECT 区县, sum(工资) * 1.0 / count(*) AS 人均工资 FROM 人员 WHERE 工资 > 10000 GROUP BY 区县
-- allowed: 区县=group; n=aggregate:count
SELECT "区县", count(*) AS n FROM "人员" WHERE "人员"."性别" <> '男' -- trailing comment
GROUP BY "区县"
-- allowed: 性别=group; corr=aggregate:other
SELECT 性别, corr(年龄, 工资) AS corr FROM 人员 GROUP BY 性别
-- allowed: 区县=group; 最早年份=aggregate:other
SELECT 区县, min(年份) AS 最早年份 FROM 人员 GROUP BY 区县
-- allowed: 区县=group; n=aggregate:count
select 区县, count(*) as n from 人员 where 身份证号 is not null group by 区县
-- allowed: n=aggregate:count_distinct
SELECT count(DISTINCT p.身份证号) AS n FROM 人员 p JOIN (SELECT 法人身份证号 FROM 企业) e ON e.法人身份证号 = p.身份证号
