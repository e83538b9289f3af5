using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>A request body that states its own rules; <see cref="RequestValidation"/> applies them before the handler runs.</summary>
public interface IValidatableRequest
{
    void Validate(ValidationErrors errors);
}

/// <summary>The bad fields of one request, by their JSON names, for the contract's 422.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, string[]> errors = [];

    public bool Any => errors.Count > 0;

    /// <summary>Records <paramref name="message"/> for <paramref name="field"/> unless <paramref name="valid"/>.</summary>
    public ValidationErrors Check(bool valid, string field, string message)
    {
        if (!valid)
        {
            errors[field] = [.. errors.GetValueOrDefault(field, []), message];
        }

        return this;
    }

    public ApiProblem ToProblem() => ApiProblems.Validation(errors);
}

public static class RequestValidation
{
    /// <summary>Every <see cref="IValidatableRequest"/> argument of these endpoints is checked first; any bad field is a 422 naming it.</summary>
    public static TBuilder ValidateRequests<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var errors = new ValidationErrors();
            foreach (var request in context.Arguments.OfType<IValidatableRequest>())
            {
                CheckText(request, errors);
                request.Validate(errors);
            }

            return errors.Any ? errors.ToProblem() : await next(context);
        });

    /// <summary>Each request type's text fields, by their JSON names.</summary>
    private static readonly ConcurrentDictionary<Type, (string Field, PropertyInfo Property)[]> TextFields = new();

    /// <summary>
    /// PostgreSQL cannot store a NUL character: any text field holding one is named here, where
    /// the database could only refuse the whole body.
    /// </summary>
    private static void CheckText(IValidatableRequest request, ValidationErrors errors)
    {
        var fields = TextFields.GetOrAdd(request.GetType(), type => [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.GetIndexParameters().Length == 0)
            .Select(p => (ApiJson.Options.PropertyNamingPolicy!.ConvertName(p.Name), p))]);
        foreach (var (field, property) in fields)
        {
            errors.Check(property.GetValue(request) is not string text || !text.Contains('\0', StringComparison.Ordinal),
                field, "May not contain NUL characters.");
        }
    }
}
