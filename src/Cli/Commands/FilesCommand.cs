using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Mfs;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p files mkdir|write|read|ls|stat|rm|cp|mv|flush|chcid`: kubo's mutable file system over the repo (or the
/// daemon's, through `/api/v0/files/*`), one file per subcommand; the tree itself is <see cref="MutableFiles"/>.
/// </summary>
internal static class FilesCommand
{
    public static Command Create()
    {
        var command = new Command("files", "Work with a mutable tree of files whose root CID changes with every change (kubo's MFS).\n\n" +
            "Examples:\n  p2p files mkdir -p /docs\n  echo hello | p2p files write --create /docs/hello.txt\n  p2p files ls -l /docs\n  p2p files stat --hash /");
        command.Subcommands.Add(FilesMkdirCommand.Create());
        command.Subcommands.Add(FilesWriteCommand.Create());
        command.Subcommands.Add(FilesReadCommand.Create());
        command.Subcommands.Add(FilesLsCommand.Create());
        command.Subcommands.Add(FilesStatCommand.Create());
        command.Subcommands.Add(FilesRmCommand.Create());
        command.Subcommands.Add(FilesCpCommand.Create());
        command.Subcommands.Add(FilesMvCommand.Create());
        command.Subcommands.Add(FilesFlushCommand.Create());
        command.Subcommands.Add(FilesChcidCommand.Create());
        return command;
    }

    /// <summary>kubo's --cid-version (alias --cid-ver) and --hash, shared by mkdir, write and chcid.</summary>
    internal sealed class PrefixOptions
    {
        public readonly Option<int?> CidVersion = new("--cid-version", "--cid-ver") { Description = "CID version of new nodes: 0 or 1 (default: the parent directory's)" };
        public readonly Option<string?> Hash = new("--hash") { Description = "Hash function of new nodes: sha2-256 or blake3 (implies CIDv1)" };

        public void AddTo(Command command)
        {
            command.Options.Add(CidVersion);
            command.Options.Add(Hash);
        }

        public MfsPrefix? Read(ParseResult parse) => MfsPrefix.FromOptions(parse.GetValue(CidVersion), parse.GetValue(Hash));

        public IEnumerable<KeyValuePair<string, string>> Query(ParseResult parse)
        {
            if (parse.GetValue(CidVersion) is { } version)
                yield return new("cid-version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (parse.GetValue(Hash) is { } hash)
                yield return new("hash", hash);
        }
    }

    /// <summary>Sends a `files` command whose answer has no body (kubo answers 200 and nothing).</summary>
    internal static async Task PostAsync(DaemonClient daemon, string command, IEnumerable<KeyValuePair<string, string>> query, CancellationToken ct,
        HttpContent? body = null)
    {
        await foreach (var _ in daemon.PostLinesAsync(command, query, ct, body))
        {
            // No lines are expected; reading to the end surfaces an error the daemon reported.
        }
    }

    internal static KeyValuePair<string, string> Flag(string name, bool value) => new(name, value ? "true" : "false");
}
