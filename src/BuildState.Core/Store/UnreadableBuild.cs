using BuildState.Errors;

namespace BuildState.Store;

/// <summary>
/// A build folder in active/ that the index cannot be made from: neither its current_state.json
/// nor its history holds a readable state (damaged, unreadable, or a symbolic link). Readers report
/// it instead of leaving the build out; `validate` says more and `recover` repairs what it can.
/// </summary>
/// <param name="Key">The build's folder name under active/.</param>
/// <param name="LastKnownId">The id the index last had for that folder; null when it never had one.</param>
/// <param name="File">The file that could not be read.</param>
/// <param name="Kind">Corruption, PermissionDenied, ...</param>
/// <param name="Message">What is wrong with the file.</param>
public sealed record UnreadableBuild(string Key, string? LastKnownId, string File, StoreErrorKind Kind, string Message)
{
    public int ExitCode => ExitCodes.For(Kind);
}

/// <summary>Every active build the index lists, and the build folders it could not read (<see cref="BuildStore.ListWithUnreadable"/>).</summary>
public sealed record BuildListing(IReadOnlyList<IndexEntry> Builds, IReadOnlyList<UnreadableBuild> Unreadable);
