namespace BuildState.IO;

/// <summary>
/// What a store knows of a build's history log at one moment, to tell later whether anyone wrote to
/// it since: the file's <see cref="Length"/> and <see cref="Identity"/> (which file it is: on Linux
/// its inode number and birth time, elsewhere its write time), and <see cref="End"/>, the end of its
/// last record (the file may hold zeros written ahead past it). The log is unchanged while the file
/// has that length and identity and nothing but zeros starts at <see cref="End"/>: every record is
/// written at the end of the last one, so the next record would start there
/// (<see cref="IFileSystem.IsLogUnchanged"/>). Neither setting nor reading the file's write time is
/// needed for it: on Linux either makes the next write change the inode, which the record's
/// fdatasync must then write too (docs/store-format.md, "Zeros written ahead").
/// </summary>
public readonly record struct LogStamp(long Length, long Identity, long End);
