using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p add`: chunks, hashes and stores files, printing kubo's `added CID NAME` lines.</summary>
internal static class AddCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "Files or directories to add", Arity = ArgumentArity.OneOrMore };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Add directories recursively" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the CIDs" };
        var quieter = new Option<bool>("--quieter", "-Q") { Description = "Print only the final CID" };
        var cidVersion = new Option<int?>("--cid-version") { Description = "CID version: 0 or 1 (default 1, raw leaves)" };
        var rawLeaves = new Option<bool?>("--raw-leaves") { Description = "Store leaves as raw blocks (default: on for CIDv1)" };
        var chunker = new Option<string?>("--chunker", "-s") { Description = "Chunking: size-N (default size-262144)" };
        var maxLinks = new Option<int?>("--max-links") { Description = "Links per node of the balanced tree (default 174)" };
        var hash = new Option<string>("--hash") { Description = "Hash function: sha2-256 or blake3 (blake3 implies CIDv1)", DefaultValueFactory = _ => "sha2-256" };
        hash.AcceptOnlyFromAmong("sha2-256", "blake3");
        var profile = new Option<string?>("--profile") { Description = "Import profile: unixfs-v1-2025 (1 MiB chunks, 1024 links)" };
        profile.AcceptOnlyFromAmong("unixfs-v1-2025");
        var onlyHash = new Option<bool>("--only-hash", "-n") { Description = "Only compute the CIDs; store nothing" };
        var pin = new Option<bool>("--pin") { Description = "Pin what is added (default true)", DefaultValueFactory = _ => true };
        var hidden = new Option<bool>("--hidden", "-H") { Description = "Include files whose names start with a dot" };
        var progress = new Option<bool>("--progress") { Description = "Show progress on stderr (default: when it is a terminal)" };

        var command = new Command("add", "Add files to the repo and print their CIDs.\n\nExamples:\n  p2p add photo.jpg\n  p2p add -r ./music --cid-version 0\n  p2p add -q --profile unixfs-v1-2025 big.iso")
        {
            paths, recursive, quiet, quieter, cidVersion, rawLeaves, chunker, maxLinks, hash, profile, onlyHash, pin, hidden, progress,
        };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var options = BuildOptions(parse.GetValue(profile), parse.GetValue(cidVersion), parse.GetValue(rawLeaves),
                parse.GetValue(chunker), parse.GetValue(maxLinks), parse.GetValue(hash)!, parse.GetValue(onlyHash), parse.GetValue(hidden));
            var inputs = parse.GetValue(paths)!;
            foreach (var p in inputs)
            {
                if (Directory.Exists(p) && !parse.GetValue(recursive))
                    throw new CliException($"{p} is a directory: use -r to add it recursively", ExitCodes.Usage);
                if (!File.Exists(p) && !Directory.Exists(p))
                    throw new CliException($"{p}: no such file or directory");
            }
            var output = Output.For(parse);
            using var node = options.OnlyHash ? LocalContent.InMemory() : NodeAccess.Open(parse);
            var total = inputs.Sum(SizeOf);
            using var bar = new ProgressBar("adding", total, parse.GetValue(progress) || !Console.IsErrorRedirected);
            Cid? last = null;
            foreach (var p in inputs)
            {
                var entries = await node.AddPathAsync(p, parse.GetValue(recursive), options, parse.GetValue(pin) && !options.OnlyHash, bar, ct);
                foreach (var e in entries)
                {
                    last = e.Cid;
                    if (parse.GetValue(quieter))
                        continue;
                    output.Write(parse.GetValue(quiet) ? e.Cid.ToString() : $"added {e.Cid} {e.Path}",
                        new { Name = e.Path, Hash = e.Cid.ToString(), Size = e.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                }
            }
            if (parse.GetValue(quieter) && last is not null)
                output.Write(last.ToString(), new { Hash = last.ToString() });
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static ImportOptions BuildOptions(
        string? profile, int? cidVersion, bool? rawLeaves, string? chunker, int? maxLinks, string hash, bool onlyHash, bool hidden)
    {
        var options = profile == "unixfs-v1-2025" ? ImportOptions.UnixFsV1_2025 : new ImportOptions();
        if (cidVersion is { } v)
        {
            if (v is not (0 or 1))
                throw new CliException("--cid-version must be 0 or 1", ExitCodes.Usage);
            options = options with { CidVersion = v };
        }
        if (hash == "blake3")
        {
            if (cidVersion == 0)
                throw new CliException("--hash blake3 needs CIDv1 (CIDv0 is sha2-256 only)", ExitCodes.Usage);
            options = options with { HashFunction = Multicodec.Blake3, CidVersion = 1 };
        }
        if (rawLeaves is { } raw)
            options = options with { RawLeaves = raw };
        if (chunker is not null)
            options = options with { ChunkSize = ParseChunker(chunker) };
        if (maxLinks is { } links)
            options = options with { MaxLinks = links };
        options = options with { OnlyHash = onlyHash, IncludeHidden = hidden };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage);
        }
        return options;
    }

    private static int ParseChunker(string text)
    {
        const string prefix = "size-";
        if (!text.StartsWith(prefix, StringComparison.Ordinal)
            || !int.TryParse(text.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
            || size <= 0)
            throw new CliException($"unsupported chunker '{text}': use size-N, e.g. size-262144", ExitCodes.Usage);
        return size;
    }

    private static long SizeOf(string path)
    {
        if (File.Exists(path))
            return new FileInfo(path).Length;
        try
        {
            return new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
