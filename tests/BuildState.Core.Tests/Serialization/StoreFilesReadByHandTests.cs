using System.Reflection;
using System.Text.Json;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Serialization;
using BuildState.Store;

namespace BuildState.Core.Tests.Serialization;

/// <summary>
/// What the store itself writes is read by the hand-written reader, never by the fallback (that is
/// the point: no System.Text.Json metadata in an MSBuild node); and the hand-written code knows
/// every property of every stored type, so a property added to a model type cannot be dropped
/// silently.
/// </summary>
public sealed class StoreFilesReadByHandTests
{
    [Fact]
    public void Every_file_a_recorded_build_leaves_is_read_by_the_hand_written_reader()
    {
        using var fixture = new StoreFixture();
        var output = fixture.WriteFile("src/App/bin/App.dll", "not really an assembly");
        var store = fixture.Store;
        const string id = "src/App/App.csproj|Debug|net10.0";
        for (var run = 0; run < 3; run++)
        {
            store.StartRun(id, new StartRunRequest { RunId = $"run-{run}", Metadata = new Dictionary<string, string> { ["msbuild.configuration"] = "Debug", ["env.CI"] = "true \"quoted\" é" }, ThenTransitionTo = "Setup" });
            store.Advance(id, new AdvanceRequest { Dependencies = ["src/Lib/Lib.csproj|Debug|net10.0"], Transitions = ["Build"] });
            if (run == 1)
            {
                store.RecordError(id, new ErrorRecord { Code = "CS0103", Message = "The name 'x' does not exist", File = "src/App/Program.cs", Line = 3, Column = 9 });
                store.EndRun(id, RunOutcome.Failed, "a target failed");
                continue;
            }

            store.Advance(id, new AdvanceRequest { Artifacts = [new ArtifactInput(output, "assembly")], CheckpointName = "built", Transitions = ["Cleanup", "Complete"] });
        }

        store.List(); // folds or reads the index
        var files = Directory.GetFiles(fixture.StoreRoot, "*", SearchOption.AllDirectories);
        var read = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var name = Path.GetFileName(file);
            if (name == "current_state.json" || Path.GetDirectoryName(file)!.Contains("backups"))
            {
                StoreJsonReader.Read(bytes, StoreJsonReader.BuildRecord);
                read++;
            }
            else if (name == "log.bsh")
            {
                for (var at = 0; at < bytes.Length && !HistoryLog.IsEmptyTail(bytes.AsSpan(at));)
                {
                    var length = Convert.ToInt32(System.Text.Encoding.ASCII.GetString(bytes, at + 5, 8), 16);
                    StoreJsonReader.Read(bytes.AsSpan(at + HistoryLog.HeaderLength, length), StoreJsonReader.HistoryEntry);
                    at += HistoryLog.HeaderLength + length + 1;
                    read++;
                }
            }
            else if (name == "index.json")
            {
                StoreJsonReader.Read(bytes, StoreJsonReader.IndexFile);
                read++;
            }
            else if (name == "index.journal")
            {
                foreach (var line in System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    StoreJsonReader.Read(System.Text.Encoding.UTF8.GetBytes(line), StoreJsonReader.IndexJournalRecord);
                    read++;
                }
            }
            else if (Path.GetDirectoryName(file)!.EndsWith("checkpoints", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal))
            {
                StoreJsonReader.Read(bytes, StoreJsonReader.CheckpointFile);
                read++;
            }
        }

        Assert.True(read >= 10, $"only {read} records found in {string.Join(", ", files)}");
        var owner = StoreJson.Serialize(new LockOwnerFile { Owner = OwnerInfo.Current, AcquiredAt = DateTimeOffset.UtcNow, Purpose = "commit" });
        StoreJsonReader.Read(owner, StoreJsonReader.LockOwnerFile);
    }

    public static TheoryData<Type> StoredTypes =>
    [
        typeof(BuildRecord), typeof(RunInfo), typeof(OwnerInfo), typeof(TransitionRecord), typeof(ArtifactRecord), typeof(CheckpointRef),
        typeof(ErrorRecord), typeof(ResourceInfo), typeof(TestResults), typeof(HistoryEntry), typeof(IndexFile), typeof(IndexEntry), typeof(IndexJournalRecord),
        typeof(CheckpointFile), typeof(LockOwnerFile),
    ];

    /// <summary>
    /// A fully populated value of every stored type, written by the hand-written writer: every
    /// public property of the type appears under its camelCase name. A new property fails here
    /// until StoreJsonWriter and StoreJsonReader (and the generators of the property tests) know it.
    /// </summary>
    [Theory]
    [MemberData(nameof(StoredTypes))]
    public void The_hand_written_code_knows_every_property_of(Type type)
    {
        var written = new Dictionary<Type, HashSet<string>>();
        Collect(JsonDocument.Parse(StoreJson.Serialize(FullCheckpoint())).RootElement, typeof(CheckpointFile), written);
        Collect(JsonDocument.Parse(StoreJson.SerializeCompact(new HistoryEntry { Kind = "k", RunId = "r", From = "a", To = "b", Message = "m", State = FullRecord() })).RootElement, typeof(HistoryEntry), written);
        Collect(JsonDocument.Parse(StoreJson.Serialize(new IndexFile { Builds = [FullIndexEntry()] })).RootElement, typeof(IndexFile), written);
        Collect(JsonDocument.Parse(StoreJson.SerializeCompact(new IndexJournalRecord { Key = "k", Entry = FullIndexEntry() })).RootElement, typeof(IndexJournalRecord), written);
        Collect(JsonDocument.Parse(StoreJson.Serialize(new LockOwnerFile { Owner = FullOwner(), Purpose = "p" })).RootElement, typeof(LockOwnerFile), written);

        var expected = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .ToHashSet();
        Assert.True(written.TryGetValue(type, out var names), $"{type.Name} is not written");
        Assert.Equal(expected.Order(), names!.Order());

        // And the reader takes the same names back (it refuses any name it does not know).
        var record = StoreJson.DeserializeCheckpoint(StoreJson.Serialize(FullCheckpoint()), "x");
        Assert.Equal(StoreJson.Serialize(FullCheckpoint()), StoreJson.Serialize(record));
        StoreJsonReader.Read(StoreJson.Serialize(FullCheckpoint()), StoreJsonReader.CheckpointFile);
    }

    private static void Collect(JsonElement element, Type type, Dictionary<Type, HashSet<string>> into)
    {
        var names = into.TryGetValue(type, out var known) ? known : into[type] = [];
        foreach (var property in element.EnumerateObject())
        {
            names.Add(property.Name);
            var info = type.GetProperties().FirstOrDefault(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == property.Name);
            var propertyType = info?.PropertyType;
            if (propertyType is null || propertyType == typeof(string) || propertyType.IsValueType || propertyType.IsAssignableTo(typeof(System.Collections.IDictionary)))
            {
                continue;
            }

            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>))
            {
                var item = propertyType.GetGenericArguments()[0];
                if (item != typeof(string))
                {
                    foreach (var x in property.Value.EnumerateArray())
                    {
                        Collect(x, item, into);
                    }
                }

                continue;
            }

            Collect(property.Value, propertyType, into);
        }
    }

    private static OwnerInfo FullOwner() => new() { ProcessId = 1, Host = "h", ProcessStartedAt = DateTimeOffset.UnixEpoch };

    private static IndexEntry FullIndexEntry() => new() { Id = "i", Key = "k", Phase = "p", RunId = "r" };

    private static BuildRecord FullRecord() => new()
    {
        Id = "i",
        Phase = "p",
        RunId = "r",
        Run = new RunInfo { RunId = "r", EndedAt = DateTimeOffset.UnixEpoch, Owner = FullOwner(), Reason = "why", Instances = 2, InstancesEnded = 1 },
        Transitions = [new TransitionRecord { From = "a", To = "b", DurationMs = 1.5 }],
        EarlierTransitions = 3,
        Artifacts = [new ArtifactRecord { Path = "p", Sha256 = "s", ChangedUtc = DateTimeOffset.UnixEpoch, Kind = "k", Mode = "755" }],
        Dependencies = ["d"],
        Checkpoints = [new CheckpointRef { Id = "c", Name = "n", Phase = "p", ArtifactsSha256 = "d" }],
        Errors = [new ErrorRecord { Phase = "p", Code = "c", Message = "m", Target = "t", File = "f", Line = 1, Column = 2 }],
        Resources = new ResourceInfo { Machine = "m", ProcessId = 1, NodeId = 2, PhaseDurationsMs = { ["Build"] = 1 } },
        Metadata = { ["k"] = "v" },
        Tests = new TestResults { Total = 3, Passed = 1, Failed = 1, Skipped = 1, Source = "t.trx" },
    };

    private static CheckpointFile FullCheckpoint() => new()
    {
        Id = "c",
        Name = "n",
        BuildId = "b",
        Phase = "p",
        Artifacts = [new ArtifactRecord { Path = "p", Sha256 = "s", ChangedUtc = DateTimeOffset.UnixEpoch, Kind = "k", Mode = "755" }],
        State = FullRecord(),
    };
}
