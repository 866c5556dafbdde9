using BuildState.Model;
using BuildState.Store;
using CsCheck;

namespace BuildState.Core.Tests.Serialization;

/// <summary>
/// Random values of every type the store serializes, including the awkward ones: strings that need
/// escaping (quotes, control characters, HTML-sensitive and non-ASCII characters, lone surrogates),
/// nulls where the types allow them, dates at any offset and precision, extreme numbers, and now and
/// then a value the hand-written code hands to System.Text.Json (an undefined RunStatus, a
/// non-finite double).
/// </summary>
internal static class StoreGenerators
{
    private static readonly Gen<char> AwkwardChar = Gen.OneOf(
        Gen.Char.AlphaNumeric,
        Gen.Char.AlphaNumeric,
        Gen.Const('"'), Gen.Const('\\'), Gen.Const('/'), Gen.Const('<'), Gen.Const('>'), Gen.Const('&'), Gen.Const('\''),
        Gen.Const('+'), Gen.Const('|'), Gen.Const(' '), Gen.Const('\n'), Gen.Const('\t'), Gen.Const('\u0001'), Gen.Const('\u007f'),
        Gen.Const('é'), Gen.Const('中'), Gen.Const('\u2028'), Gen.Const('\ud83d'), Gen.Const('\ude00'),
        Gen.Char);

    public static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char.AlphaNumeric, 0, 12],
        Gen.String[AwkwardChar, 0, 20],
        Gen.Const("src/App/App.csproj|Debug|net10.0"),
        Gen.Const(""));

    public static readonly Gen<string?> NullableText = Gen.Frequency((4, Text.Select(s => (string?)s)), (1, Gen.Const((string?)null)));

    /// <summary>Strings that are never null (most properties) but may be now and then, as the types allow.</summary>
    public static readonly Gen<string> MostlyText = Gen.Frequency((12, Text), (1, Gen.Const((string)null!)));

    private static readonly Gen<TimeSpan> Offset = Gen.OneOf(
        Gen.Const(TimeSpan.Zero),
        Gen.Int[-14 * 60, 14 * 60].Select(m => TimeSpan.FromMinutes(m)));

    public static readonly Gen<DateTimeOffset> Date = Gen.OneOf(
        Gen.Long[DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay].Select(Offset, (t, o) => new DateTimeOffset(t, o)),
        Gen.Long[630_000_000_000_000_000, 650_000_000_000_000_000].Select(Offset, (t, o) => new DateTimeOffset(t - t % TimeSpan.TicksPerSecond, o)),
        Gen.Long[630_000_000_000_000_000, 650_000_000_000_000_000].Select(t => new DateTimeOffset(t, TimeSpan.Zero)),
        Gen.Const(default(DateTimeOffset)));

    public static readonly Gen<DateTimeOffset?> NullableDate = Gen.Frequency((3, Date.Select(d => (DateTimeOffset?)d)), (1, Gen.Const((DateTimeOffset?)null)));

    public static readonly Gen<RunStatus> Status = Gen.Frequency(
        (30, Gen.Int[0, 3].Select(i => (RunStatus)i)),
        (1, Gen.Int[-3, 9].Select(i => (RunStatus)i)));

    public static readonly Gen<double> Double = Gen.Frequency(
        (10, Gen.Double[0, 1e7]),
        (5, Gen.Double),
        (3, Gen.OneOf(Gen.Const(0.0), Gen.Const(-0.0), Gen.Const(double.Epsilon), Gen.Const(double.MaxValue), Gen.Const(1e-300), Gen.Const(0.1))),
        (1, Gen.OneOf(Gen.Const(double.NaN), Gen.Const(double.PositiveInfinity))));

    public static readonly Gen<long> Long = Gen.OneOf(Gen.Long, Gen.Long[0, 100_000], Gen.Const(long.MinValue), Gen.Const(long.MaxValue));

    public static readonly Gen<int> Int = Gen.OneOf(Gen.Int, Gen.Int[0, 100_000], Gen.Const(int.MinValue), Gen.Const(int.MaxValue));

    public static readonly Gen<int?> NullableInt = Gen.Frequency((3, Int.Select(i => (int?)i)), (1, Gen.Const((int?)null)));

    public static readonly Gen<OwnerInfo> Owner =
        from pid in Int
        from host in MostlyText
        from started in NullableDate
        select new OwnerInfo { ProcessId = pid, Host = host, ProcessStartedAt = started };

    public static readonly Gen<RunInfo> Run =
        from runId in MostlyText
        from status in Status
        from started in Date
        from ended in NullableDate
        from owner in Owner.Null()
        from reason in NullableText
        from instances in NullableInt
        from instancesEnded in NullableInt
        select new RunInfo { RunId = runId, Status = status, StartedAt = started, EndedAt = ended, Owner = owner, Reason = reason, Instances = instances, InstancesEnded = instancesEnded };

    public static readonly Gen<TransitionRecord> Transition =
        from from_ in MostlyText
        from to in MostlyText
        from at in Date
        from ms in Double
        select new TransitionRecord { From = from_, To = to, At = at, DurationMs = ms };

    public static readonly Gen<ArtifactRecord> Artifact =
        from path in MostlyText
        from size in Long
        from sha in MostlyText
        from written in Date
        from changed in NullableDate
        from kind in NullableText
        from mode in NullableText
        select new ArtifactRecord { Path = path, Size = size, Sha256 = sha, LastWriteUtc = written, ChangedUtc = changed, Kind = kind, Mode = mode };

    public static readonly Gen<CheckpointRef> CheckpointRef =
        from id in MostlyText
        from name in NullableText
        from phase in MostlyText
        from created in Date
        from copies in Gen.Bool
        from automatic in Gen.Bool
        from digest in NullableText
        select new CheckpointRef { Id = id, Name = name, Phase = phase, CreatedAt = created, HasArtifactCopies = copies, Automatic = automatic, ArtifactsSha256 = digest };

    public static readonly Gen<ErrorRecord> Error =
        from at in Date
        from phase in MostlyText
        from code in NullableText
        from message in MostlyText
        from target in NullableText
        from file in NullableText
        from line in NullableInt
        from column in NullableInt
        select new ErrorRecord { At = at, Phase = phase, Code = code, Message = message, Target = target, File = file, Line = line, Column = column };

    public static readonly Gen<ResourceInfo> Resources =
        from machine in NullableText
        from pid in NullableInt
        from node in NullableInt
        from durations in Gen.Dictionary(Text, Double)[0, 6].Null()
        select new ResourceInfo { Machine = machine, ProcessId = pid, NodeId = node, PhaseDurationsMs = ToPhaseDurations(durations)! };

    private static PhaseDurations? ToPhaseDurations(Dictionary<string, double>? map)
    {
        if (map is null)
        {
            return null;
        }

        var durations = new PhaseDurations();
        foreach (var (phase, ms) in map)
        {
            durations.Add(phase, ms);
        }

        return durations;
    }

    public static readonly Gen<TestResults> Tests =
        from counts in Gen.Select(Int, Int, Int, Int)
        from source in NullableText
        select new TestResults { Total = counts.Item1, Passed = counts.Item2, Failed = counts.Item3, Skipped = counts.Item4, Source = source };

    /// <summary>Lists that are null now and then (the types allow it; the store's shape checks refuse it later), with a null item now and then.</summary>
    private static Gen<List<T>> ListOf<T>(Gen<T> item)
        where T : class =>
        Gen.Frequency((1, item.Null().List[0, 4]), (4, item.List[0, 4]), (1, Gen.Const((List<T?>)null!)))
            .Select(l => l is null ? null! : l.Select(x => x!).ToList());

    public static readonly Gen<BuildRecord> Record =
        from head in Gen.Select(Int, MostlyText, MostlyText, MostlyText, Status, NullableText, Long, Date)
        from updated in Date
        from run in Run.Null()
        from transitions in ListOf(Transition)
        from artifacts in ListOf(Artifact)
        from dependencies in ListOf(Text)
        from checkpoints in ListOf(CheckpointRef)
        from errors in ListOf(Error)
        from resources in Resources.Null()
        from metadata in Gen.Dictionary(Text, NullableText)[0, 5].Null()
        from historyBytes in Long
        from tests in Tests.Null()
        from earlier in Gen.Frequency((1, Long.Select(l => (long?)l)), (3, Gen.Const((long?)null)))
        select new BuildRecord
        {
            SchemaVersion = head.Item1,
            Id = head.Item2,
            Lifecycle = head.Item3,
            Phase = head.Item4,
            Status = head.Item5,
            RunId = head.Item6,
            Sequence = head.Item7,
            CreatedAt = head.Item8,
            UpdatedAt = updated,
            Run = run,
            Transitions = transitions,
            EarlierTransitions = earlier,
            Artifacts = artifacts,
            Dependencies = dependencies,
            Checkpoints = checkpoints,
            Errors = errors,
            Resources = resources!,
            Metadata = metadata!,
            HistoryBytes = historyBytes,
            Tests = tests,
        };

    public static readonly Gen<HistoryEntry> History =
        from version in Int
        from sequence in Long
        from at in Date
        from kind in MostlyText
        from runId in NullableText
        from from_ in NullableText
        from to in NullableText
        from message in NullableText
        from state in Record.Null()
        select new HistoryEntry { SchemaVersion = version, Sequence = sequence, At = at, Kind = kind, RunId = runId, From = from_, To = to, Message = message, State = state };

    public static readonly Gen<IndexEntry> IndexEntry =
        from head in Gen.Select(MostlyText, MostlyText, MostlyText, MostlyText, Status, NullableText)
        from updated in Date
        from sequence in Long
        from length in Long
        from identity in Long
        from end in Long
        select new IndexEntry
        {
            Id = head.Item1, Key = head.Item2, Lifecycle = head.Item3, Phase = head.Item4, Status = head.Item5, RunId = head.Item6,
            UpdatedAt = updated, Sequence = sequence, LogLength = length, LogId = identity, LogEnd = end,
        };

    public static readonly Gen<IndexFile> Index =
        from version in Int
        from updated in Date
        from builds in ListOf(IndexEntry)
        select new IndexFile { SchemaVersion = version, UpdatedAt = updated, Builds = builds };

    public static readonly Gen<IndexJournalRecord> Journal =
        from key in MostlyText
        from entry in IndexEntry.Null()
        select new IndexJournalRecord { Key = key, Entry = entry };

    public static readonly Gen<CheckpointFile> Checkpoint =
        from head in Gen.Select(Int, MostlyText, NullableText, MostlyText, MostlyText, Date, Gen.Bool, Gen.Bool)
        from artifacts in ListOf(Artifact)
        from state in Record.Null()
        select new CheckpointFile
        {
            SchemaVersion = head.Item1, Id = head.Item2, Name = head.Item3, BuildId = head.Item4, Phase = head.Item5,
            CreatedAt = head.Item6, Automatic = head.Item7, HasArtifactCopies = head.Item8, Artifacts = artifacts, State = state!,
        };

    public static readonly Gen<LockOwnerFile> LockOwner =
        from owner in Owner.Null()
        from acquired in Date
        from purpose in NullableText
        select new LockOwnerFile { Owner = owner!, AcquiredAt = acquired, Purpose = purpose };
}
