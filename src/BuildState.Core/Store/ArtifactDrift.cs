namespace BuildState.Store;

/// <summary>
/// Where a checkpoint holds a build's artifacts otherwise than the build recorded them: files whose
/// content changed on disk since they were recorded (the checkpoint holds them as they are now), and
/// files no longer on disk (a checkpoint without copies lists them as recorded). Store-relative paths.
/// </summary>
public sealed record ArtifactDrift(IReadOnlyList<string> Changed, IReadOnlyList<string> Missing)
{
    public static readonly ArtifactDrift None = new([], []);

    public bool Any => Changed.Count + Missing.Count > 0;
}
