using System.CommandLine;
using System.CommandLine.Parsing;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Turns what System.CommandLine found wrong with a command line into one sentence. Two cases need more than its
/// own errors: a token that looks like an option but names none (System.CommandLine hands it to a positional
/// argument, so `p2p add -x f` would add a file called "-x"), and an unknown command, which it reports as two
/// errors ("Required command was not provided." and "Unrecognized command or argument").
/// </summary>
internal static class UsageErrors
{
    /// <summary>The one line to print (without "Error: "), or null when the command line is fine.</summary>
    public static string? Describe(ParseResult parse)
    {
        if (UnknownOption(parse) is { } option)
            return $"unknown option '{option}'";
        if (parse.Errors.Count == 0)
            return null;
        if (UnknownCommand(parse) is { } unknown)
            return unknown;
        return OneLine(parse.Errors[0].Message);
    }

    /// <summary>Some of System.CommandLine's messages list values on lines of their own.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// The first token before `--` that starts with '-' and that the parser gave to a positional argument or left
    /// unmatched: no option of the command has that name. `-` alone (stdin) and negative numbers are values.
    /// </summary>
    private static string? UnknownOption(ParseResult parse)
    {
        var optionValues = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        var positional = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        Collect(parse.RootCommandResult, optionValues, positional);
        var unmatched = new HashSet<string>(parse.UnmatchedTokens, StringComparer.Ordinal);
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
                break;
            if (token.Type != TokenType.Argument || !LooksLikeOption(token.Value) || optionValues.Contains(token))
                continue;
            if (positional.Contains(token) || unmatched.Contains(token.Value))
                return token.Value;
        }
        return null;
    }

    private static void Collect(CommandResult result, HashSet<Token> optionValues, HashSet<Token> positional)
    {
        foreach (var child in result.Children)
        {
            switch (child)
            {
                case OptionResult option:
                    optionValues.UnionWith(option.Tokens);
                    break;
                case ArgumentResult argument:
                    positional.UnionWith(argument.Tokens);
                    break;
                case CommandResult command:
                    Collect(command, optionValues, positional);
                    break;
            }
        }
    }

    private static bool LooksLikeOption(string value) =>
        value.Length > 1 && value[0] == '-' && !(char.IsAsciiDigit(value[1]) || (value[1] == '.' && value.Length > 2));

    /// <summary>A command with subcommands given none, or a name it does not know: one line, with a suggestion.</summary>
    private static string? UnknownCommand(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count == 0 || command.Action is not null)
            return null;
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        var path = CommandPath(parse.CommandResult);
        var word = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
        if (word is null)
            return $"'{path}' needs a command: {string.Join(", ", names)}";
        var near = Nearest(word, names);
        return near is null
            ? $"unknown command '{word}': run '{path} --help' for the list"
            : $"unknown command '{word}': did you mean '{path} {near}'?";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
            names.Add(c.Command is RootCommand ? "p2p" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The closest name within a third of its length in edits (at least one), or a name it begins.</summary>
    internal static string? Nearest(string word, IReadOnlyList<string> names)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in names)
        {
            var distance = Distance(word, name);
            if (distance < bestDistance)
                (best, bestDistance) = (name, distance);
        }
        if (best is not null && bestDistance <= Math.Max(1, best.Length / 3))
            return best;
        return word.Length >= 2 ? names.FirstOrDefault(n => n.StartsWith(word, StringComparison.Ordinal)) : null;
    }

    /// <summary>Levenshtein distance, with a swap of two neighbours counting as one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
