using BenchmarkDotNet.Attributes;
using BuildState.Store;
using Microsoft.Data.Sqlite;

namespace Bench.Micro;

/// <summary>
/// The same workload on our store and on SQLite (Microsoft.Data.Sqlite, WAL journal), in one run.
/// One invocation = 10 builds, each one run of the default lifecycle: the run start (Init) and five
/// transitions (Setup, Build, Test, Cleanup, Complete), every one its own commit/transaction: 60
/// commits. Results are per commit (OperationsPerInvoke), and the "transitions/s" column is 1/mean.
///
/// Our side goes through the public API: <see cref="BuildStore.StartRun"/> then
/// <see cref="BuildStore.Transition"/> x5. Each commit appends a history record (which carries the
/// whole state: the commit point) and a line to index.journal; current_state.json, a snapshot of
/// the log, is replaced at the run end (Complete) and every 8 commits, and a backup copy every 32.
/// Under Full every commit fsyncs its history record; under Normal only the run end does.
///
/// SQLite side, one connection kept open, prepared commands, one BEGIN IMMEDIATE..COMMIT per commit:
/// insert a history row (build, sequence, kind, from, to, time, run) into a table indexed by build,
/// and upsert the build's row (phase, status, run, time, sequence, and the state as a JSON blob of
/// exactly the size of our current_state.json after the same step); the run start also inserts a
/// run row and the run end updates it. The builds table's phase/status columns do what our
/// index.json does. Durability: WAL + synchronous=FULL fsyncs the WAL on every commit (our Full);
/// WAL + NORMAL fsyncs only at WAL checkpoints (nothing a power loss cannot take since the last
/// one: weaker than our Normal); "NORMAL, run end durable" switches to synchronous=FULL for the
/// run-end transaction, which gives the same guarantee as our Normal (every run end survives power
/// loss; the transitions between may not, never half-applied).
///
/// "store, Normal, group commit" is what the MSBuild SDK runs (StoreOptions.GroupCommit): the run
/// ends' fsyncs are owed until <see cref="BuildStore.Flush"/>, which the SDK calls at the end of a
/// build and this benchmark at the end of each invocation (10 runs: one `dotnet build` of 10
/// projects), inside the measured time. Its promise: every run of an invocation that returned
/// survives power loss; still stronger than SQLite NORMAL's.
/// </summary>
[Config(typeof(TransitionsConfig))]
public class SqliteComparisonBenchmarks
{
    public const int Builds = 10;
    private static readonly string[] Steps = ["Setup", "Build", "Test", "Cleanup", "Complete"];
    private const int CommitsPerInvoke = Builds * (1 + 5);

    private string _dir = null!;
    private BuildStore _full = null!;
    private BuildStore _normal = null!;
    private BuildStore _normalGroup = null!;
    private SqliteSide _sqliteFull = null!;
    private SqliteSide _sqliteNormal = null!;
    private SqliteSide _sqliteNormalDurableEnd = null!;
    private byte[][] _stateBlobs = null!;
    private int _run;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bst-sqlite-cmp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);

        // The state file's size after each step of one run, taken from a real store.
        var sizer = BuildStore.Open(Path.Combine(_dir, "sizer", ".buildstate"), new StoreOptions { Durability = Durability.None });
        var id = BuildId(0);
        var sizes = new List<byte[]>();
        for (var warm = 0; warm < 2; warm++)
        {
            sizes.Clear();
            sizer.StartRun(id, new StartRunRequest { RunId = $"sizing-{warm}" });
            sizes.Add(File.ReadAllBytes(sizer.Layout.StateFile(BuildKey.For(id))));
            foreach (var step in Steps)
            {
                sizer.Transition(id, step);
                sizes.Add(File.ReadAllBytes(sizer.Layout.StateFile(BuildKey.For(id))));
            }
        }

        _stateBlobs = [.. sizes];
        Directory.Delete(Path.Combine(_dir, "sizer"), recursive: true);

        _full = BuildStore.Open(Path.Combine(_dir, "full", ".buildstate"), new StoreOptions { Durability = Durability.Full });
        _normal = BuildStore.Open(Path.Combine(_dir, "normal", ".buildstate"), new StoreOptions { Durability = Durability.Normal });
        _normalGroup = BuildStore.Open(Path.Combine(_dir, "normal-group", ".buildstate"), new StoreOptions { Durability = Durability.Normal, GroupCommit = true });
        _sqliteFull = new SqliteSide(Path.Combine(_dir, "full.db"), "FULL", durableRunEnd: false);
        _sqliteNormal = new SqliteSide(Path.Combine(_dir, "normal.db"), "NORMAL", durableRunEnd: false);
        _sqliteNormalDurableEnd = new SqliteSide(Path.Combine(_dir, "normal-end.db"), "NORMAL", durableRunEnd: true);

        // First runs create every build's folders, files and rows: the measured runs are steady state.
        StoreFull();
        StoreNormal();
        StoreNormalGroupCommit();
        SqliteFull();
        SqliteNormal();
        SqliteNormalDurableRunEnd();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sqliteFull.Dispose();
        _sqliteNormal.Dispose();
        _sqliteNormalDurableEnd.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string BuildId(int b) => $"src/Project{b:D2}/Project{b:D2}.csproj|Release|net10.0";

    private void StoreWorkload(BuildStore store)
    {
        var run = $"run-{++_run}";
        for (var b = 0; b < Builds; b++)
        {
            var id = BuildId(b);
            store.StartRun(id, new StartRunRequest { RunId = run });
            foreach (var step in Steps)
            {
                store.Transition(id, step);
            }
        }
    }

    private void SqliteWorkload(SqliteSide db)
    {
        var run = $"run-{++_run}";
        for (var b = 0; b < Builds; b++)
        {
            var id = BuildId(b);
            db.StartRun(id, run, _stateBlobs[0]);
            var from = "Init";
            for (var s = 0; s < Steps.Length; s++)
            {
                db.Transition(id, run, from, Steps[s], _stateBlobs[s + 1], endsRun: s == Steps.Length - 1);
                from = Steps[s];
            }
        }
    }

    [Benchmark(Description = "store, Full: run start + 5 transitions x 10 builds", OperationsPerInvoke = CommitsPerInvoke)]
    public void StoreFull() => StoreWorkload(_full);

    [Benchmark(Description = "store, Normal: run start + 5 transitions x 10 builds", OperationsPerInvoke = CommitsPerInvoke)]
    public void StoreNormal() => StoreWorkload(_normal);

    [Benchmark(Description = "store, Normal, group commit (the SDK's setting; flushed per invocation): same", OperationsPerInvoke = CommitsPerInvoke)]
    public void StoreNormalGroupCommit()
    {
        StoreWorkload(_normalGroup);
        _normalGroup.Flush();
    }

    [Benchmark(Description = "SQLite WAL, synchronous=FULL: same", OperationsPerInvoke = CommitsPerInvoke)]
    public void SqliteFull() => SqliteWorkload(_sqliteFull);

    [Benchmark(Description = "SQLite WAL, synchronous=NORMAL: same", OperationsPerInvoke = CommitsPerInvoke)]
    public void SqliteNormal() => SqliteWorkload(_sqliteNormal);

    [Benchmark(Description = "SQLite WAL, NORMAL, run end durable (FULL): same", OperationsPerInvoke = CommitsPerInvoke)]
    public void SqliteNormalDurableRunEnd() => SqliteWorkload(_sqliteNormalDurableEnd);

    /// <summary>A build-state store done the SQLite way: history rows, a builds table with the state blob, a runs table.</summary>
    private sealed class SqliteSide : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly bool _durableRunEnd;
        private readonly string _synchronous;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _commit;
        private readonly SqliteCommand _history;
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _runStart;
        private readonly SqliteCommand _runEnd;
        private readonly SqliteCommand _syncFull;
        private readonly SqliteCommand _syncBack;
        private readonly Dictionary<string, long> _sequence = new(StringComparer.Ordinal);

        public SqliteSide(string path, string synchronous, bool durableRunEnd)
        {
            _synchronous = synchronous;
            _durableRunEnd = durableRunEnd;
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            Execute($"PRAGMA synchronous={synchronous};");
            Execute("""
                CREATE TABLE builds (id TEXT PRIMARY KEY, phase TEXT NOT NULL, status TEXT NOT NULL, run_id TEXT NOT NULL, updated_at TEXT NOT NULL, sequence INTEGER NOT NULL, state BLOB NOT NULL);
                CREATE TABLE runs (build_id TEXT NOT NULL, run_id TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, PRIMARY KEY (build_id, run_id));
                CREATE TABLE history (rowid INTEGER PRIMARY KEY, build_id TEXT NOT NULL, sequence INTEGER NOT NULL, kind TEXT NOT NULL, from_phase TEXT, to_phase TEXT, at TEXT NOT NULL, run_id TEXT NOT NULL);
                CREATE INDEX history_by_build ON history (build_id, sequence);
                """);
            _begin = Prepare("BEGIN IMMEDIATE;");
            _commit = Prepare("COMMIT;");
            _history = Prepare("INSERT INTO history (build_id, sequence, kind, from_phase, to_phase, at, run_id) VALUES ($id, $seq, $kind, $from, $to, $at, $run);", "$id", "$seq", "$kind", "$from", "$to", "$at", "$run");
            _upsert = Prepare("""
                INSERT INTO builds (id, phase, status, run_id, updated_at, sequence, state) VALUES ($id, $phase, $status, $run, $at, $seq, $state)
                ON CONFLICT (id) DO UPDATE SET phase = excluded.phase, status = excluded.status, run_id = excluded.run_id, updated_at = excluded.updated_at, sequence = excluded.sequence, state = excluded.state;
                """, "$id", "$phase", "$status", "$run", "$at", "$seq", "$state");
            _runStart = Prepare("INSERT OR REPLACE INTO runs (build_id, run_id, status, started_at) VALUES ($id, $run, 'Running', $at);", "$id", "$run", "$at");
            _runEnd = Prepare("UPDATE runs SET status = $status, ended_at = $at WHERE build_id = $id AND run_id = $run;", "$id", "$run", "$status", "$at");
            _syncFull = Prepare("PRAGMA synchronous=FULL;");
            _syncBack = Prepare($"PRAGMA synchronous={synchronous};");
        }

        public void StartRun(string id, string run, byte[] state)
        {
            var at = DateTimeOffset.UtcNow.ToString("O");
            _begin.ExecuteNonQuery();
            var seq = Next(id);
            Run(_history, id, seq, "run-started", null, "Init", at, run);
            Run(_runStart, id, run, at);
            Run(_upsert, id, "Init", "Running", run, at, seq, state);
            _commit.ExecuteNonQuery();
        }

        public void Transition(string id, string run, string from, string to, byte[] state, bool endsRun)
        {
            var durable = endsRun && _durableRunEnd;
            if (durable)
            {
                _syncFull.ExecuteNonQuery();
            }

            var at = DateTimeOffset.UtcNow.ToString("O");
            _begin.ExecuteNonQuery();
            var seq = Next(id);
            Run(_history, id, seq, "transition", from, to, at, run);
            if (endsRun)
            {
                Run(_runEnd, id, run, "Succeeded", at);
            }

            Run(_upsert, id, to, endsRun ? "Succeeded" : "Running", run, at, seq, state);
            _commit.ExecuteNonQuery();
            if (durable)
            {
                _syncBack.ExecuteNonQuery();
            }
        }

        private long Next(string id) => _sequence[id] = _sequence.GetValueOrDefault(id) + 1;

        private static void Run(SqliteCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        private void Execute(string sql)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            command.Prepare();
            return command;
        }

        public override string ToString() => $"SQLite WAL synchronous={_synchronous}";

        public void Dispose()
        {
            foreach (var command in new[] { _begin, _commit, _history, _upsert, _runStart, _runEnd, _syncFull, _syncBack })
            {
                command.Dispose();
            }

            _connection.Dispose();
        }
    }
}
