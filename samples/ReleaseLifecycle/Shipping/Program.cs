using BuildState.Store;
using Contoso.Build;

// The generated typestate: only legal transitions exist as methods.
// Release.Start().ToPublished() would not compile (CS1061): Draft has no ToPublished().
Release.Published published = Release.Start().ToBuilt().ToSigned().ToPublished();
Console.WriteLine($"typestate walk: Draft -> Built -> Signed -> {published.Phase}");
Console.WriteLine($"legal from Built: {string.Join(", ", ReleaseTransitions.AllowedFrom(ReleasePhase.Built))}");

// The state the build recorded, read back from the store and rehydrated into its typed state.
var root = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".buildstate");
var store = BuildStore.Open(Path.GetFullPath(root));
store.Lifecycles.Register(ReleaseTransitions.Definition);
var release = store.List().FirstOrDefault(b => b.Lifecycle == "Release");
if (release is null)
{
    Console.WriteLine("no recorded release yet: build the project first");
    return 1;
}

var state = Release.FromPhaseName(release.Phase);
Console.WriteLine($"recorded: {release.Id} is {state.Phase} ({release.Status}); terminal: {ReleaseTransitions.IsTerminal(state.Phase)}");
return 0;
