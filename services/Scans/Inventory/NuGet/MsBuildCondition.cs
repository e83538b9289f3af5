namespace TrustedOss.Scans.Inventory.NuGet;

/// <summary>
/// MSBuild's <c>Condition</c> attributes as far as package references need them:
/// <c>'$(TargetFramework)' == 'net472'</c>, <c>!=</c>, <c>and</c>, <c>or</c>, <c>!</c> and
/// parentheses, properties expanded (an unknown one is empty, as in MSBuild), compared without
/// case. A condition it cannot judge as a whole (one calling a function such as <c>Exists</c>,
/// comparing numbers, naming a property the SDK derives, or not parsing) counts as true: a
/// reference is listed rather than missed.
/// </summary>
public sealed class MsBuildCondition
{
    /// <summary>Nesting of <c>!</c> and parentheses past this is not judged (so counts as true): no stack can be exhausted.</summary>
    private const int MaxDepth = 64;

    private readonly List<string> tokens;
    private int at;
    private int depth;

    private MsBuildCondition(List<string> tokens) => this.tokens = tokens;

    private static readonly HashSet<string> SdkDerived = new(StringComparer.OrdinalIgnoreCase)
    {
        "TargetFrameworkIdentifier", "TargetFrameworkVersion", "TargetFrameworkMoniker", "TargetPlatformIdentifier",
        "TargetPlatformVersion", "Configuration", "Platform", "RuntimeIdentifier", "OS", "MSBuildRuntimeType", "MSBuildVersion",
    };

    public static bool Holds(string? condition, MsBuildProperties properties)
    {
        if (string.IsNullOrWhiteSpace(condition))
        {
            return true;
        }

        // Properties the SDK derives (the framework's identifier, the configuration) are not known
        // here: a condition on one is not judged.
        if (properties.MentionsUnknown(condition, SdkDerived))
        {
            return true;
        }

        try
        {
            var parser = new MsBuildCondition(Tokenize(properties.ExpandOrEmpty(condition)));
            var value = parser.Or();
            return parser.at != parser.tokens.Count || value;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    private bool Or()
    {
        var value = And();
        while (Accept("or"))
        {
            value = And() | value;
        }

        return value;
    }

    private bool And()
    {
        var value = Unary();
        while (Accept("and"))
        {
            value = Unary() & value;
        }

        return value;
    }

    private bool Unary()
    {
        if (++depth > MaxDepth)
        {
            throw new FormatException();
        }

        try
        {
            return Primary();
        }
        finally
        {
            depth--;
        }
    }

    private bool Primary()
    {
        if (Accept("!"))
        {
            return !Unary();
        }

        if (Accept("("))
        {
            var inner = Or();
            return Accept(")") ? inner : throw new FormatException();
        }

        var left = Operand();
        if (Accept("=="))
        {
            return string.Equals(left, Operand(), StringComparison.OrdinalIgnoreCase);
        }

        if (Accept("!="))
        {
            return !string.Equals(left, Operand(), StringComparison.OrdinalIgnoreCase);
        }

        if (Peek() is "<" or ">" or "<=" or ">=")
        {
            // A numeric or version comparison: not judged.
            throw new FormatException();
        }

        return !string.Equals(left, "false", StringComparison.OrdinalIgnoreCase);
    }

    private string Operand()
    {
        var token = at < tokens.Count ? tokens[at++] : throw new FormatException();
        if (token.StartsWith('\''))
        {
            return token[1..^1].Trim();
        }

        // A function call (Exists(...), HasTrailingSlash(...)): not judged, whatever surrounds it.
        if (Peek() == "(")
        {
            throw new FormatException();
        }

        return token;
    }

    private string? Peek() => at < tokens.Count ? tokens[at] : null;

    private bool Accept(string token)
    {
        if (at < tokens.Count && string.Equals(tokens[at], token, StringComparison.OrdinalIgnoreCase))
        {
            at++;
            return true;
        }

        return false;
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                end = end < 0 ? throw new FormatException() : end;
                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else if (i + 1 < text.Length && text.Substring(i, 2) is "==" or "!=" or "<=" or ">=")
            {
                tokens.Add(text.Substring(i, 2));
                i += 2;
            }
            else if (c is '(' or ')' or '!' or '<' or '>')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '\'' or '=' or '!' or '<' or '>'))
                {
                    i++;
                }

                tokens.Add(i > start ? text[start..i] : throw new FormatException());
            }
        }

        return tokens;
    }
}
