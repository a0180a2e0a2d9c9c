# Builds and runs the migrator; used by docker-compose.yml.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -q -B dependency:go-offline
COPY src src
RUN ./mvnw -q -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /work migrator && mkdir -p /work && chown migrator /work
USER migrator
WORKDIR /work
COPY --from=build /src/target/conversation-migrator.jar /app/conversation-migrator.jar
# "To resume, run …" lines name the command that runs this image (see docker-compose.yml), not the jar inside it.
ENV MIGRATOR_LAUNCHER="docker compose run --rm migrator"
ENTRYPOINT ["java", "-jar", "/app/conversation-migrator.jar"]
