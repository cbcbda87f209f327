using System.Globalization;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// `repo stat` printed the same way offline and through a daemon. RepoSize is every byte under the repo (kubo's
/// meaning, what du sees); BlockSize is the blocks alone; Scratch is uploads in progress or left by a dead process.
/// </summary>
internal static class RepoStatText
{
    public static void Write(Output output, long objects, long repoSize, long blockSize, long scratch, int pins, string? path, int version, string? sync) =>
        output.Write(
            $"NumObjects: {objects}\nRepoSize:   {repoSize} ({Units.Bytes(repoSize)})\nBlockSize:  {blockSize} ({Units.Bytes(blockSize)})\n" +
            $"Scratch:    {scratch} ({Units.Bytes(scratch)})\nPins:       {pins}\nRepoPath:   {path}\nVersion:    {version}\nSync:       {sync}",
            new
            {
                NumObjects = objects, RepoSize = repoSize, BlockSize = blockSize, ScratchSize = scratch, Pins = pins, RepoPath = path,
                Version = version.ToString(CultureInfo.InvariantCulture),
            });
}
