-- Refused queries: each case starts with "-- rule: <rule the policy must name>"; the SQL runs to the next case.
-- Tables: 人员(身份证号*, 姓名*, 手机号*, 区县, 性别, 年龄*, 工资*, 收入*, 年份), 企业(统一社会信用代码*, 行业,
-- 注册资本*, 法人身份证号*), 区划(区县, 人口); * protected.

-- rule: parse
SELECT 区县, count(* FROM 人员 GROUP BY 区县
-- rule: parse
SELECT FROM WHERE
-- rule: query-length
SELECT count(*) FROM 人员 WHERE 区县 IN ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
-- rule: one-statement
SELECT count(*) FROM 人员; SELECT 姓名 FROM 人员
-- rule: one-statement
SELECT count(*) FROM 人员; DROP TABLE 人员
-- rule: select-only
PRAGMA database_list
-- rule: select-only
SET enable_external_access = true
-- rule: select-only
CREATE MACRO leak(x) AS x
-- rule: select-only
CREATE TABLE t AS SELECT * FROM 人员
-- rule: select-only
COPY 人员 TO '/tmp/out.csv'
-- rule: select-only
ATTACH '/tmp/other.db' AS other
-- rule: select-only
DETACH other
-- rule: select-only
INSTALL httpfs
-- rule: select-only
LOAD httpfs
-- rule: select-only
CALL pragma_version()
-- rule: select-only
INSERT INTO 人员 (区县) VALUES ('x')
-- rule: select-only
UPDATE 人员 SET 工资 = 0
-- rule: select-only
DELETE FROM 人员
-- rule: select-only
DESCRIBE 人员
-- rule: select-only
SUMMARIZE 人员
-- rule: select-only
  /* leading comment */ pragma show_tables
-- rule: set-operation
SELECT count(*) FROM 人员 WHERE 区县 = 'a' UNION ALL SELECT count(*) FROM 人员
-- rule: set-operation
SELECT count(*) FROM (SELECT 区县 FROM 人员 EXCEPT SELECT 区县 FROM 区划)
-- rule: known-tables
SELECT count(*) FROM read_csv('/etc/passwd')
-- rule: known-tables
SELECT count(*) FROM '/etc/passwd'
-- rule: known-tables
SELECT count(*) FROM "/etc/passwd"
-- rule: known-tables
SELECT count(*) FROM read_parquet('/data/*.parquet')
-- rule: known-tables
SELECT count(*) FROM glob('/root/*')
-- rule: known-tables
SELECT count(*) FROM range(1e12)
-- rule: known-tables
SELECT count(*) FROM generate_series(1, 1000000000000)
-- rule: known-tables
SELECT count(*) FROM unnest([1, 2, 3])
-- rule: known-tables
SELECT count(*) FROM information_schema.tables
-- rule: known-tables
SELECT count(*) FROM sqlite_master
-- rule: known-tables
SELECT count(*) FROM duckdb_settings()
-- rule: known-tables
SELECT count(*) FROM pragma_table_info('人员')
-- rule: known-tables
SELECT count(*) FROM query('SELECT * FROM 人员')
-- rule: known-tables
SELECT count(*) FROM query_table('人员')
-- rule: known-tables
SELECT count(*) FROM (VALUES (1), (2)) v(a)
-- rule: known-tables
SELECT count(*) FROM 工资表
-- rule: known-tables
SELECT count(*) FROM main.人员
-- rule: known-tables
SELECT count(*) FROM 人员 TABLESAMPLE 10%
-- rule: known-tables
SELECT count(*) FROM 人员 p JOIN LATERAL (SELECT 1 AS one) l ON true
-- rule: allowed-functions
SELECT getenv('HOME') AS h, count(*) FROM 人员 GROUP BY h
-- rule: allowed-functions
SELECT count(*) FROM 人员 WHERE current_setting('access_mode') = 'x'
-- rule: known-tables
SELECT 区县, count(*) FROM 人员 WHERE 区县 IN (SELECT file FROM glob('*')) GROUP BY 区县
-- rule: allowed-functions
SELECT count(*) FROM 人员 WHERE length(version()) > 0
-- rule: allowed-functions
SELECT list_aggregate(list(区县), 'max') AS m FROM 人员
-- rule: allowed-functions
SELECT count(*) FROM 人员 WHERE 区县 = nextval('s')
-- rule: allowed-functions
SELECT count(*) FROM 人员 WHERE list_filter([1, 2], x -> x > 1) IS NOT NULL
-- rule: allowed-functions
SELECT count(*) FROM 人员 WHERE 区县 = $1
-- rule: allowed-functions
SELECT count(*) AS n, to_json(区县) j FROM 人员 GROUP BY j
-- rule: recursive-cte
WITH RECURSIVE bomb(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM bomb) SELECT count(*) FROM bomb
-- rule: cross-join
SELECT count(*) FROM 人员 CROSS JOIN 区划
-- rule: cross-join
SELECT count(*) FROM 人员, 区划
-- rule: cross-join
SELECT count(*) FROM 人员 NATURAL JOIN 区划
-- rule: cross-join
SELECT count(*) FROM 人员 POSITIONAL JOIN 区划
-- rule: max-joins
SELECT count(*) FROM 人员 a JOIN 区划 b ON a.区县 = b.区县 JOIN 区划 c ON a.区县 = c.区县 JOIN 区划 d ON a.区县 = d.区县 JOIN 区划 e ON a.区县 = e.区县 JOIN 区划 f ON a.区县 = f.区县
-- rule: star-output
SELECT * FROM 人员
-- rule: star-output
SELECT p.*, count(*) FROM 人员 p GROUP BY ALL
-- rule: star-output
SELECT * EXCLUDE (身份证号) FROM 人员
-- rule: known-columns
SELECT 区县, count(密码) FROM 人员 GROUP BY 区县
-- rule: known-columns
SELECT "区县X", count(*) FROM 人员 GROUP BY 1
-- rule: value-aggregate
SELECT 区县, MIN(工资) FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, max(工资) AS 平均工资 FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, LIST(工资)[1] AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, string_agg(姓名, ',') AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, arg_max(区县, 工资) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, arg_max(工资, 年份) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, median(工资) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, quantile_cont(工资, 0.99) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, mode(姓名) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, first(工资 ORDER BY 工资 DESC) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, any_value(姓名) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, count(*) AS n, max(工资 + 0) AS x FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, (SELECT max(工资) FROM 人员) AS top FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, count(*) AS n FROM (SELECT 区县, FIRST_VALUE(工资) OVER (PARTITION BY 区县 ORDER BY 工资 DESC) AS f FROM 人员) GROUP BY 区县, f
-- rule: value-aggregate
SELECT 区县, sum(l) AS s FROM (SELECT 区县, LAG(工资) OVER (ORDER BY 年份) AS l FROM 人员) GROUP BY 区县
-- rule: value-aggregate
select 区县, MAX(/* sneaky */ "工资") from 人员 group by 区县
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE 身份证号 = '110101199001011234'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE 身份证号 IN ('110101199001011234', '110101199001011235')
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE 身份证号 LIKE '110101%'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE substr(身份证号, 1, 6) = '110101'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE 身份证号 BETWEEN '1101' AND '1102'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE starts_with(身份证号, '110101')
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE regexp_matches(身份证号, '^110101')
-- rule: identifier-literal
SELECT sum(CASE WHEN 身份证号 = '110101199001011234' THEN 工资 END) AS s FROM 人员
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE 身份证号::VARCHAR LIKE '11%'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE "人员"."身份证号" = '110101199001011234'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE 手机号 = 13800138000
-- rule: identifier-literal
SELECT count(*) FROM 人员 p JOIN 企业 e ON p.身份证号 = e.法人身份证号 WHERE e.法人身份证号 > '1101'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE strpos(身份证号, '1101') > 0
-- rule: identifier-literal
SELECT count(*) FILTER (WHERE 身份证号 = '1') AS n FROM 人员
-- rule: identifier-literal
SELECT count(*) FROM (SELECT 身份证号 AS k FROM 人员) WHERE k = '110101199001011234'
-- rule: identifier-literal
SELECT count(*) FROM 人员 WHERE hash(身份证号) = 12345
-- rule: outer-aggregate
SELECT 区县 FROM 人员
-- rule: outer-aggregate
SELECT 区县, 性别 FROM 人员 WHERE 性别 = '女'
-- rule: outer-aggregate
SELECT 区县, count(*) OVER () AS n FROM 人员
-- rule: raw-protected-output
SELECT 工资, count(*) FROM 人员 GROUP BY 工资
-- rule: raw-protected-output
SELECT 工资 AS 区县名称, count(*) FROM 人员 GROUP BY 1
-- rule: raw-protected-output
SELECT 姓名 || '' AS x, count(*) FROM 人员 GROUP BY x
-- rule: raw-protected-output
SELECT CAST(工资 AS VARCHAR) AS x, count(*) FROM 人员 GROUP BY x
-- rule: raw-protected-output
SELECT CASE WHEN 工资 > 10000 THEN 姓名 ELSE '' END AS x, count(*) FROM 人员 GROUP BY x
-- rule: raw-protected-output
SELECT substring(姓名, 1, 1) AS 姓, count(*) FROM 人员 GROUP BY 姓
-- rule: raw-protected-output
SELECT left(身份证号, 6) AS 地区, count(*) FROM 人员 GROUP BY 地区
-- rule: raw-protected-output
SELECT hash(身份证号) AS h, count(*) FROM 人员 GROUP BY h
-- rule: raw-protected-output
WITH 区划 AS (SELECT 姓名 AS 区县 FROM 人员) SELECT 区县, count(*) FROM 区划 GROUP BY 区县
-- rule: raw-protected-output
SELECT w, count(*) FROM (SELECT 工资 AS w FROM 人员) t GROUP BY w
-- rule: raw-protected-output
SELECT s, count(*) FROM (SELECT 身份证号, sum(工资) AS s FROM 人员 GROUP BY 身份证号) GROUP BY s
-- rule: raw-protected-output
SELECT 区县, count(*), sum(工资) OVER (PARTITION BY 区县) AS s FROM 人员 GROUP BY 区县, 工资
-- rule: raw-protected-output
SELECT "人员"."工资", count(*) FROM "人员" GROUP BY "人员"."工资"
-- rule: raw-protected-output
select 年龄 + 0 as a, count(*) from 人员 group by a
-- rule: raw-protected-output
SELECT 区县, count(*) AS n, (SELECT 姓名 FROM 人员 LIMIT 1) AS who FROM 人员 GROUP BY 区县
-- rule: protected-group-key
SELECT count(*) AS n FROM 人员 GROUP BY 身份证号
-- rule: raw-protected-output
SELECT sum(工资) AS s FROM 人员 GROUP BY 身份证号
-- rule: protected-group-key
SELECT 区县, count(*) FROM 人员 GROUP BY 区县, 姓名
-- rule: output-name
SELECT 区县, count(*) + 1 FROM 人员 GROUP BY 区县
-- rule: output-name
SELECT 区县, count(*) AS __n FROM 人员 GROUP BY 区县
-- rule: output-name
SELECT 区县, count(*) AS n, sum(年份) AS n FROM 人员 GROUP BY 区县
-- rule: value-aggregate
SELECT 区县, avg(m) AS m FROM (SELECT 区县, 身份证号, max(工资) AS m FROM 人员 GROUP BY 区县, 身份证号) GROUP BY 区县
-- rule: known-columns
SELECT U&"\5DE5\8D44" AS w, count(*) FROM 人员 GROUP BY 1
-- rule: value-aggregate
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 HAVING max(工资) > 5
-- rule: allowed-functions
SELECT 区县, count(*) FROM 人员 WHERE 身份证号 = CHR(49) GROUP BY 区县
-- rule: grouping-sets
SELECT 区县, count(*) AS n FROM 人员 GROUP BY ROLLUP (区县)
-- rule: grouping-sets
SELECT 区县, 性别, count(*) AS n FROM 人员 GROUP BY CUBE (区县, 性别)
-- rule: grouping-sets
SELECT 区县, 性别, count(*) AS n FROM 人员 GROUP BY GROUPING SETS ((区县), (性别), ())
-- rule: grouping-sets
SELECT avg(n) AS a FROM (SELECT 区县, count(*) AS n FROM 人员 GROUP BY ROLLUP (区县))
-- rule: cross-join
SELECT count(*) AS n FROM 人员 p JOIN 区划 r ON TRUE
-- rule: cross-join
SELECT count(*) AS n FROM 人员 p JOIN 区划 r ON 1 = 1
-- rule: cross-join
SELECT count(*) AS n FROM 人员 p JOIN 区划 r ON p.区县 = p.区县
-- rule: cross-join
SELECT count(*) AS n FROM 人员 p JOIN 区划 r ON p.区县 = '城区' OR r.区县 = '城区'
-- rule: subquery-condition
SELECT 区县, count(*) AS n FROM 人员 WHERE 工资 > (SELECT avg(工资) FROM 人员) GROUP BY 区县
-- rule: subquery-condition
SELECT count(*) AS n FROM 人员 p WHERE EXISTS (SELECT 1 FROM 企业 e WHERE e.法人身份证号 = p.身份证号)
-- rule: subquery-condition
SELECT count(*) AS n FROM 人员 p WHERE p.身份证号 IN (SELECT 法人身份证号 FROM 企业)
-- rule: subquery-condition
SELECT 区县, count(*) AS n FROM 人员 WHERE (SELECT sum(工资) FROM 人员 WHERE 区县 = '新区') > 12000 GROUP BY 区县
-- rule: subquery-condition
SELECT 区县, count(*) AS n FROM 人员 WHERE 年份 = ANY (SELECT 年份 FROM 人员 WHERE 区县 = '新区') GROUP BY 区县
-- rule: subquery-condition
SELECT p.区县, count(*) AS n FROM 人员 p JOIN 区划 r ON p.区县 = r.区县 AND r.人口 > (SELECT avg(工资) FROM 人员) GROUP BY p.区县
-- rule: subquery-condition
SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 HAVING (SELECT sum(工资) FROM 人员 WHERE 区县 = '新区') > 12000
-- rule: subquery-condition
SELECT k, count(*) AS n FROM (SELECT (SELECT sum(工资) FROM 人员 WHERE 区县 = '新区') > 12000 AS k FROM 人员) GROUP BY k
-- rule: window-partition
select 段, count(*) as n from (select 区县, ntile(4) over (order by 年份) as 段 from 人员) group by 段
-- rule: window-partition
SELECT 区县, count(*) AS n FROM (SELECT 区县, sum(工资) OVER (PARTITION BY 区县) AS w FROM 人员) WHERE w > 12000 GROUP BY 区县
-- rule: window-partition
SELECT 区县, count(*) AS n FROM (SELECT 区县, rank() OVER (ORDER BY 工资 DESC) AS r FROM 人员) WHERE r = 1 GROUP BY 区县
-- rule: window-partition
SELECT 区县, count(*) AS n FROM (SELECT 区县, 人口 FROM 区划 QUALIFY row_number() OVER (PARTITION BY 区县 ORDER BY 人口) = 1) GROUP BY 区县
