using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// Groups the runs of one build command when nobody names the invocation (BuildStateRunId unset).
/// MSBuild gives tasks no invocation id, so the store keeps one: <c>invocations.json</c> lists open
/// invocations, each with a launch fingerprint (a hash of the environment, which MSBuild hands
/// unchanged from the entry process to every worker node), the command's entry process when a
/// node knew it, and its participants (node processes that ran a task of it and have not yet
/// reached the end of the build). A node that knows its entry process (MSBuild's entry process
/// itself; a worker node, by its parent or by who is connected to its pipe) joins the newest open
/// invocation of its fingerprint and entry, or else one no node has named an entry for yet (and
/// names it); a node that does not joins the newest open one of its fingerprint whose entry, if
/// known, still lives. An open invocation is one with a live, active participant; without one, a
/// new invocation is opened. Every node leaves at the end of the build (MSBuild disposes
/// build-lifetime task objects in every node, failed builds included), so the next command opens a
/// new invocation even when MSBuild reuses the same node processes. So two commands started at the
/// same time from identical environments get an id each, unless nodes that cannot tell build for
/// them (docs/msbuild.md, "Grouping runs into invocations"): set BuildStateRunId then.
/// </summary>
public sealed class InvocationRegistry(BuildStore store)
{
    private string FilePath => Path.Combine(store.Layout.Root, "invocations.json");

    private string LockPath => Path.Combine(store.Layout.LocksDir, "invocations.lock");

    /// <summary>
    /// Joins or opens the invocation for <paramref name="fingerprint"/> and, when the node knows it,
    /// the command's <paramref name="entry"/> process; returns its run id.
    /// </summary>
    public string Join(string fingerprint, OwnerInfo self, DateTimeOffset now, OwnerInfo? entry = null)
    {
        store.EnsureStoreDirectoriesInternal();
        using (store.Locks.Acquire(LockPath, "join invocation"))
        {
            var file = Read();
            // An invocation without a live participant still building is over: nobody can join it
            // again, so it goes (kept, every build of the day would read and rewrite it).
            file.Invocations.RemoveAll(i => !i.Participants.Any(IsLiveAndActive));
            var open = entry is null ? Newest(file, fingerprint, i => i.Entry is null || ProcessLiveness.Check(i.Entry) != Liveness.Dead)
                : Newest(file, fingerprint, i => i.Entry is { } e && SameProcess(e, entry)) ?? Newest(file, fingerprint, i => i.Entry is null);
            if (open is null)
            {
                open = new Invocation { RunId = NewRunId(now), Fingerprint = fingerprint, StartedAt = now };
                file.Invocations.Add(open);
            }

            open.Entry ??= entry;
            open.Participants.RemoveAll(p => SameProcess(p.Owner, self));
            open.Participants.Add(new Participant { Owner = self, Active = true });
            open.LastActivity = now;
            Write(file);
            return open.RunId;
        }
    }

    /// <summary>Marks this process as done with the invocation (the end of its part of the build).</summary>
    public void Leave(string runId, OwnerInfo self, DateTimeOffset now)
    {
        using (store.Locks.Acquire(LockPath, "leave invocation"))
        {
            var file = Read();
            var invocation = file.Invocations.FirstOrDefault(i => i.RunId == runId);
            if (invocation is null)
            {
                return;
            }

            foreach (var p in invocation.Participants.Where(p => SameProcess(p.Owner, self)))
            {
                p.Active = false;
            }

            invocation.LastActivity = now;
            if (!invocation.Participants.Any(IsLiveAndActive))
            {
                file.Invocations.Remove(invocation); // the last one out closes it (see Join)
            }

            Write(file);
        }
    }

    /// <summary>A fingerprint of the launch: the environment, names and values, in a stable order.</summary>
    public static string Fingerprint(System.Collections.IDictionary environment)
    {
        var pairs = new List<string>();
        foreach (System.Collections.DictionaryEntry entry in environment)
        {
            pairs.Add($"{entry.Key}={entry.Value}");
        }

        pairs.Sort(StringComparer.Ordinal);
        return Convert.ToHexStringLower(IO.SmallSha256.Hash(Encoding.UTF8.GetBytes(string.Join('\0', pairs))))[..32];
    }

    /// <summary>
    /// The time and six hex digits from a new Guid: ids only need to differ, and the Guid's random
    /// bytes come from the runtime's own source, where RandomNumberGenerator would load and start
    /// OpenSSL in the node (a few milliseconds a build).
    /// </summary>
    public static string NewRunId(DateTimeOffset now) => CompactTime.Format(now, milliseconds: false) + "Z-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>The newest invocation of <paramref name="fingerprint"/> that <paramref name="fits"/>, of those Join left (open ones; a loop: MaxBy's generic code is JIT-compiled in each node).</summary>
    private static Invocation? Newest(InvocationsFile file, string fingerprint, Func<Invocation, bool> fits)
    {
        Invocation? newest = null;
        foreach (var invocation in file.Invocations)
        {
            if (invocation.Fingerprint == fingerprint && fits(invocation) && (newest is null || invocation.StartedAt > newest.StartedAt))
            {
                newest = invocation;
            }
        }

        return newest;
    }

    private static bool SameProcess(OwnerInfo a, OwnerInfo b) => a.ProcessId == b.ProcessId && a.Host == b.Host;

    private static bool IsLiveAndActive(Participant p) => p.Active && ProcessLiveness.Check(p.Owner) != Liveness.Dead;

    private InvocationsFile Read()
    {
        if (!store.Options.FileSystem.FileExists(FilePath))
        {
            return new InvocationsFile();
        }

        try
        {
            var bytes = store.Options.FileSystem.ReadAllBytes(FilePath, StoreLimits.MaxIndexFileBytes);
            return Serialization.InvocationsJsonCodec.Deserialize(bytes) ?? new InvocationsFile(); // by hand: no serializer code to JIT in a node's first task
        }
        catch (Exception e) when (e is JsonException or BuildStateException)
        {
            return new InvocationsFile(); // a cache of who is building now: start over rather than fail a build
        }
    }

    private void Write(InvocationsFile file) =>
        store.WriteAtomic(FilePath, Serialization.InvocationsJsonCodec.Serialize(file), sync: false);

    internal sealed class InvocationsFile
    {
        public int SchemaVersion { get; set; } = StoreSchema.Current;

        public List<Invocation> Invocations { get; set; } = [];
    }

    internal sealed class Invocation
    {
        public string RunId { get; set; } = "";

        public string Fingerprint { get; set; } = "";

        /// <summary>The command's entry process, once a node that knows it has joined; null until then.</summary>
        public OwnerInfo? Entry { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset LastActivity { get; set; }

        public List<Participant> Participants { get; set; } = [];
    }

    internal sealed class Participant
    {
        public OwnerInfo Owner { get; set; } = new();

        public bool Active { get; set; }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, MaxDepth = StoreLimits.MaxJsonDepth)]
[JsonSerializable(typeof(InvocationRegistry.InvocationsFile))]
internal sealed partial class InvocationsJson : JsonSerializerContext
{
}
